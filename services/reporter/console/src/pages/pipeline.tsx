import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api, enc } from '../api.js';
import { COLORS, TimeChart } from '../chart.js';
import { useApi } from '../hooks.js';
import type { DeadLetter, Health } from '../types.js';
import { Card, ErrorBox, Figures, Loading, Time } from '../ui.js';

interface Reading {
  at: number;
  done: number;
}

/**
 * Events per second from the change of the processed and failed counters between two
 * readings: the reporter keeps no rate itself (any replica may answer), the page does.
 */
function useRate(health: Health | undefined): { rate: number | undefined; history: [number, number][] } {
  const last = useRef<Reading | undefined>(undefined);
  const [history, setHistory] = useState<[number, number][]>([]);
  const [rate, setRate] = useState<number>();
  useEffect(() => {
    if (!health) return;
    const done = (health.counters.processed ?? 0) + (health.counters.failed ?? 0);
    const prev = last.current;
    last.current = { at: health.at, done };
    if (!prev || health.at <= prev.at) return;
    const r = ((done - prev.done) * 1000) / (health.at - prev.at);
    setRate(r);
    setHistory((h) => [...h, [health.at / 1000, r] as [number, number]].slice(-90));
  }, [health]);
  return { rate, history };
}

function DeadLetters({ onChange }: { onChange: () => void }) {
  const list = useApi<{ total: number; items: DeadLetter[] }>('/v1/dlq?limit=100', 2000);
  const [error, setError] = useState<ApiError>();
  const [bulk, setBulk] = useState<{ done: number; total: number; running: boolean }>();
  const replay = async (id: string) => {
    try {
      await api(`/v1/dlq/${enc(id)}/replay`, { method: 'POST' });
      setError(undefined);
      list.reload();
      onChange();
    } catch (e) {
      setError(e instanceof ApiError ? e : undefined);
    }
  };
  const replayAll = async () => {
    setError(undefined);
    let done = 0;
    try {
      // Bounded calls of 50, until none is left: each answer says how many remain.
      for (let round = 0; round < 1000; round++) {
        const r = await api<{ queued: number; skipped: number; remaining: number }>('/v1/dlq/replay', {
          method: 'POST',
          body: { limit: 50 },
        });
        done += r.queued;
        setBulk({ done, total: done + r.remaining, running: r.remaining > 0 });
        if (r.remaining === 0 || r.queued + r.skipped === 0) break;
      }
    } catch (e) {
      setError(e instanceof ApiError ? e : undefined);
    }
    setBulk((b) => (b ? { ...b, running: false } : b));
    list.reload();
    onChange();
  };
  const items = list.data?.items ?? [];
  return (
    <Card title="Dead letters">
      <ErrorBox error={list.error ?? error} />
      <div class="actions">
        <button type="button" onClick={replayAll} disabled={bulk?.running}>
          Replay all waiting
        </button>
        {bulk ? (
          <span role="status">
            <progress id="bulk-replay" max={Math.max(bulk.total, 1)} value={bulk.done} /> {bulk.done} of{' '}
            {bulk.total} replayed{bulk.running ? '…' : ''}
          </span>
        ) : null}
      </div>
      {!list.data ? (
        <Loading what="dead letters" />
      ) : items.length === 0 ? (
        <p class="muted">No dead letter.</p>
      ) : (
        <table class="list" id="dlq">
          <caption>
            Latest {items.length} of {list.data.total} dead letters
          </caption>
          <thead>
            <tr>
              <th scope="col">Event</th>
              <th scope="col">Error</th>
              <th scope="col">Attempts</th>
              <th scope="col">Dead since</th>
              <th scope="col">State</th>
              <th scope="col">
                <span class="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((d) => (
              <tr key={d.eventId} data-event={d.eventId}>
                <td>
                  <code>{d.eventId}</code>
                  <div class="muted small">{d.userId}</div>
                </td>
                <td class="wrap">{d.error}</td>
                <td>{d.attempts}</td>
                <td>
                  <Time ms={d.queuedAt} />
                </td>
                <td class="state">
                  {d.state ?? 'dead'}
                  {d.replays ? ` (replays: ${d.replays})` : ''}
                </td>
                <td>
                  {d.state === 'replayed' ? null : (
                    <button
                      type="button"
                      aria-label={`Replay ${d.eventId}`}
                      disabled={d.state === 'replaying'}
                      onClick={() => replay(d.eventId)}
                    >
                      Replay
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}

export function PipelinePage() {
  const health = useApi<Health>('/v1/pipeline/health', 2000);
  const { rate, history } = useRate(health.data);
  const h = health.data;
  const c = h?.counters ?? {};
  return (
    <>
      <h1>Pipeline</h1>
      <ErrorBox error={health.error} />
      <Card title="Now">
        {h ? (
          <Figures
            items={[
              ['events/s', rate === undefined ? '…' : rate.toFixed(1)],
              ['consumer lag', h.lag ? h.lag.total : 'unknown'],
              ['processed', c.processed ?? 0],
              ['failed', c.failed ?? 0],
              ['seq gaps skipped', c.gapsSkipped ?? 0],
              ['seqs skipped', c.seqsSkipped ?? 0],
              ['late', c.late ?? 0],
              ['dead letters waiting', h.dlq.waiting],
              ['replayed', c.replayed ?? 0],
            ]}
          />
        ) : (
          <Loading what="pipeline health" />
        )}
      </Card>
      <Card title="Events per second">
        {history.length > 1 ? (
          <TimeChart
            title="Events finalized per second, while this page is open"
            x={history.map(([t]) => t)}
            series={[
              {
                label: 'events/s',
                values: history.map(([, r]) => Math.round(r * 10) / 10),
                color: COLORS.ok,
              },
            ]}
            height={150}
          />
        ) : (
          <p class="muted">Measuring: the rate needs two readings, 2 s apart.</p>
        )}
      </Card>
      {h?.lag ? (
        <Card title="Lag per partition">
          <table class="list">
            <caption class="sr-only">Consumer lag per partition</caption>
            <thead>
              <tr>
                {h.lag.partitions.map((p) => (
                  <th scope="col" key={p.partition}>
                    {p.partition}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              <tr>
                {h.lag.partitions.map((p) => (
                  <td key={p.partition}>{p.lag}</td>
                ))}
              </tr>
            </tbody>
          </table>
        </Card>
      ) : null}
      <DeadLetters onChange={health.reload} />
    </>
  );
}
