// Summarising the host bench: each figure is the median of its value over the repetitions.
import { median } from "../stats.ts";

export type Figures = Record<string, number>;

/** The median of each figure over the repetitions (a figure missing from a repetition is skipped there). */
export function medianFigures(repetitions: readonly Figures[]): Figures {
  const names = new Set(repetitions.flatMap((figures) => Object.keys(figures)));
  const result: Figures = {};
  for (const name of names) {
    const values = repetitions
      .map((figures) => figures[name])
      .filter((v): v is number => v !== undefined && Number.isFinite(v));
    result[name] = values.length === 0 ? Number.NaN : median(values);
  }
  return result;
}

/** Interleaved order: every concurrency once per repetition, so drift on a loaded machine hits all alike. */
export function schedule<T>(levels: readonly T[], repetitions: number): { level: T; repetition: number }[] {
  const order: { level: T; repetition: number }[] = [];
  for (let repetition = 1; repetition <= repetitions; repetition++) {
    for (const level of levels) order.push({ level, repetition });
  }
  return order;
}

const format = (value: number, digits: number): string => (Number.isFinite(value) ? value.toFixed(digits) : "–");

/** One line: a label, then `name value` pairs. */
export function line(label: string, figures: Figures, names: readonly [string, string, number][]): string {
  const parts = names.map(([name, title, digits]) => `${title} ${format(figures[name] ?? Number.NaN, digits)}`);
  return `${label.padEnd(26)} ${parts.join("  ")}`;
}
