import { render } from 'preact';
import './style.css';
import { App } from './app.tsx';
import { applyTheme } from './theme.tsx';

applyTheme();
render(<App />, document.getElementById('app')!);
