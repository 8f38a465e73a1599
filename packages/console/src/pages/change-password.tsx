import { useState } from 'preact/hooks';
import { changePassword } from '../api.ts';

/** Asked once after signing in with a generated password; Skip leaves it as it is. */
export function ChangePasswordPage(props: { onDone: () => void }) {
  const [error, setError] = useState('');
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const next = String(form.get('new'));
    if (next !== String(form.get('again'))) return setError('the two new passwords differ');
    try {
      await changePassword(String(form.get('current')), next);
      props.onDone();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <main class="sign-in">
      <h1>Choose a password</h1>
      <p class="notice">You signed in with a generated password. Choose your own (12 characters or more), or skip.</p>
      <form onSubmit={submit}>
        <label>Current password <input name="current" type="password" autocomplete="current-password" required /></label>
        <label>New password <input name="new" type="password" autocomplete="new-password" minLength={12} required /></label>
        <label>New password again <input name="again" type="password" autocomplete="new-password" minLength={12} required /></label>
        <button type="submit">Change password</button>
        <button type="button" onClick={props.onDone}>Skip</button>
        {error && <p role="alert" class="error">{error}</p>}
      </form>
    </main>
  );
}
