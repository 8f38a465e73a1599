/** One measured figure against the baseline measured in the same run. */
export interface Ratio {
  name: string;
  value: number;
  baseline: number;
  /** The target, as a bound on value/baseline. */
  target: { atLeast?: number; atMost?: number };
  unit: string;
}

export function printRatios(title: string, ratios: Ratio[]): boolean {
  console.log(`\n== ${title} ==`);
  let ok = true;
  for (const r of ratios) {
    const ratio = r.value / r.baseline;
    const pass = (r.target.atLeast === undefined || ratio >= r.target.atLeast) && (r.target.atMost === undefined || ratio <= r.target.atMost);
    ok &&= pass;
    const target = r.target.atLeast !== undefined ? `>= ${r.target.atLeast}` : `<= ${r.target.atMost}`;
    console.log(
      `${pass ? 'PASS' : 'FAIL'}  ${r.name}: ${fmt(r.value)} ${r.unit} vs baseline ${fmt(r.baseline)} ${r.unit} -> ratio ${ratio.toFixed(3)} (target ${target})`,
    );
  }
  return ok;
}

function fmt(n: number): string {
  return n >= 100 ? n.toFixed(0) : n.toFixed(2);
}
