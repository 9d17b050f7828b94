import type { ComponentChildren } from 'preact';
import type { ApiError } from './api.js';

export function ErrorBox({ error }: { error: ApiError | undefined }) {
  if (!error) return null;
  return (
    <p class="error" role="alert">
      {error.message} <code>{error.code}</code>
    </p>
  );
}

export function Loading({ what }: { what: string }) {
  return <p aria-busy="true">Loading {what}…</p>;
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
export function Time({ ms }: { ms: number | string | null | undefined }) {
  if (ms === null || ms === undefined || ms === '' || ms === 0) return <span>—</span>;
  const d = new Date(typeof ms === 'string' && /^\d+$/.test(ms) ? Number(ms) : ms);
  return <time dateTime={d.toISOString()}>{dateTime.format(d)}</time>;
}

export function Card({ title, children }: { title: string; children: ComponentChildren }) {
  return (
    <section class="card" aria-label={title}>
      <h2>{title}</h2>
      {children}
    </section>
  );
}

/** A row of figures: label above, number below. */
export function Figures({ items }: { items: [string, ComponentChildren][] }) {
  return (
    <dl class="figures">
      {items.map(([label, value]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** Horizontal bars for categorical counts, plain HTML: readable by anyone, text and all. */
export function BarList({ label, rows }: { label: string; rows: [string, number][] }) {
  const max = Math.max(1, ...rows.map(([, v]) => v));
  if (rows.length === 0) return <p class="muted">none</p>;
  return (
    <ul class="bars" aria-label={label}>
      {rows.map(([name, value]) => (
        <li key={name}>
          <span class="bar-name">{name}</span>
          <span class="bar-track" aria-hidden="true">
            <span class="bar-fill" style={{ width: `${(100 * value) / max}%` }} />
          </span>
          <span class="bar-value">{value.toLocaleString()}</span>
        </li>
      ))}
    </ul>
  );
}

/** A tiny trend line (no axes), for a row of a table; its figures are in the title. */
export function Sparkline({ values, label }: { values: number[]; label: string }) {
  const w = 96;
  const h = 24;
  const max = Math.max(1, ...values);
  const step = values.length > 1 ? w / (values.length - 1) : w;
  const points = values.map((v, i) => `${(i * step).toFixed(1)},${(h - 2 - (v / max) * (h - 4)).toFixed(1)}`);
  return (
    <svg class="spark" width={w} height={h} viewBox={`0 0 ${w} ${h}`} role="img" aria-label={label}>
      <title>{label}</title>
      <polyline points={points.join(' ')} fill="none" stroke="currentColor" stroke-width="1.5" />
    </svg>
  );
}

/** The text with each of the words marked, case-insensitively, on word characters. */
export function Highlight({ text, words }: { text: string; words: string[] }) {
  if (words.length === 0) return <>{text}</>;
  const escaped = words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const pattern = new RegExp(`(${escaped.join('|')})`, 'gi');
  const parts = text.split(pattern);
  return (
    <>
      {parts.map((part, i) =>
        // The split keeps the matches at the odd indexes.
        i % 2 === 1 ? <mark key={i}>{part}</mark> : part,
      )}
    </>
  );
}

export function Severity({ value }: { value: string }) {
  return <span class={`sev sev-${value}`}>{value}</span>;
}
