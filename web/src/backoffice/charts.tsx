/** The sales charts of the « Ventes » page (uPlot, loaded with that page only). */
import { useEffect, useRef } from 'preact/hooks';
import type { JournalRecord, Ticket } from '../api.ts';

/** The days the per-day chart shows. */
export const CHART_DAYS = 30;

/**
 * A bar chart. uPlot: about 20 kB gzipped, canvas-based, maintained, no dependency (Chart.js is about
 * three times larger for the same bar chart). Loaded with this page only.
 */
function BarChart(props: {
  title: string;
  name: string;
  xLabel: string;
  /** Hours (plain numbers) or days (Unix seconds, shown as dates). */
  time: boolean;
  xs: number[];
  ys: number[];
}) {
  const ref = useRef<HTMLDivElement>(null);
  const data = JSON.stringify([props.xs, props.ys]);
  useEffect(() => {
    let chart: { destroy(): void } | null = null;
    let live = true;
    void Promise.all([import('uplot'), import('uplot/dist/uPlot.min.css')]).then(([{ default: UPlot }]) => {
      if (!live || ref.current === null) return;
      const bars = UPlot.paths.bars?.({ size: [0.8] });
      chart = new UPlot(
        {
          title: props.title,
          width: Math.min(560, ref.current.clientWidth || 560),
          height: 220,
          scales: { x: { time: props.time } },
          ...(props.time
            ? {
                axes: [
                  {
                    values: (_: unknown, ticks: number[]) =>
                      ticks.map((t) =>
                        new Date(t * 1000).toLocaleDateString('fr-FR', { day: 'numeric', month: 'short' }),
                      ),
                  },
                  {},
                ],
              }
            : {}),
          series: [
            {
              label: props.xLabel,
              ...(props.time
                ? {
                    value: (_: unknown, t: number | null) =>
                      t === null ? '' : new Date(t * 1000).toLocaleDateString('fr-FR'),
                  }
                : {}),
            },
            {
              label: 'Ventes',
              stroke: '#1d4ed8',
              fill: 'rgba(29,78,216,0.25)',
              ...(bars === undefined ? {} : { paths: bars }),
            },
          ],
        },
        [props.xs, props.ys],
        ref.current,
      );
    });
    return () => {
      live = false;
      chart?.destroy();
    };
  }, [data]);
  return <div ref={ref} role="img" aria-label={props.name} class="chart" />;
}

/** Sales per hour of the day (the tickets validated listed). */
export function HourChart(props: { sales: Ticket[] }) {
  const hours = Array.from({ length: 24 }, (_, h) => h);
  const totals = hours.map(() => 0);
  for (const t of props.sales) {
    if (t.sale === null) continue;
    const h = new Date(t.sale.validatedAt).getHours();
    totals[h] = (totals[h] ?? 0) + t.totals.ttc / 100;
  }
  return (
    <BarChart
      title="Ventes par heure (€ TTC)"
      name="Graphique des ventes par heure"
      xLabel="Heure"
      time={false}
      xs={hours}
      ys={totals}
    />
  );
}

/** Sales per day over the last 30 days, net of cancellations (the journal's ticket chain). */
export function DayChart(props: { records: JournalRecord[] }) {
  const days: number[] = [];
  const index = new Map<string, number>();
  const day = new Date();
  day.setHours(0, 0, 0, 0);
  day.setDate(day.getDate() - (CHART_DAYS - 1));
  for (let i = 0; i < CHART_DAYS; i++) {
    index.set(day.toDateString(), i);
    days.push(day.getTime() / 1000);
    day.setDate(day.getDate() + 1);
  }
  const totals = days.map(() => 0);
  for (const r of props.records) {
    const i = index.get(new Date(r.at).toDateString());
    if (i !== undefined && r.totalTTC !== null) totals[i] = (totals[i] ?? 0) + r.totalTTC / 100;
  }
  return (
    <BarChart
      title={`Ventes par jour, ${CHART_DAYS} derniers jours (€ TTC)`}
      name="Graphique des ventes par jour"
      xLabel="Jour"
      time
      xs={days}
      ys={totals}
    />
  );
}
