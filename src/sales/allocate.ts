import type { Minor } from './money.ts';

/**
 * Spreads `total` minor units over `weights` in proportion, by largest remainder
 * (sales-arithmetic §2 and §3): each share is `trunc(total × w_i / W)`, then the units left over go one
 * by one to the shares with the largest fractional remainders, ties to the earlier one. The shares
 * always sum to `total` exactly. When every weight is zero the total is spread evenly.
 */
export function allocate(total: Minor, weights: readonly number[]): Minor[] {
  const count = weights.length;
  if (count === 0) return [];
  let sum = 0;
  let largest = 0;
  for (const w of weights) {
    sum += w;
    largest = Math.max(largest, Math.abs(w));
  }
  if (sum === 0)
    return allocate(
      total,
      weights.map(() => 1),
    );

  const shares = new Array<number>(count);
  // Remainder numerators `total × w_i − share_i × W`, normalised to the sign of W so that a larger
  // value always means closer to the next unit. Exact as doubles while the products are safe integers.
  const remainders: (number | bigint)[] = new Array(count);
  const exactAsDoubles = Math.abs(total) * largest <= Number.MAX_SAFE_INTEGER;
  let given = 0;
  for (let i = 0; i < count; i++) {
    const w = weights[i] ?? 0;
    let share: number;
    let remainder: number | bigint;
    if (exactAsDoubles) {
      const product = total * w;
      const r = product % sum;
      share = (product - r) / sum;
      remainder = sum < 0 ? -r : r;
    } else {
      const product = BigInt(total) * BigInt(w);
      const q = product / BigInt(sum);
      const r = product - q * BigInt(sum);
      share = Number(q);
      remainder = sum < 0 ? -r : r;
    }
    shares[i] = share;
    remainders[i] = remainder;
    given += share;
  }
  let left = total - given;
  if (left === 0) return shares;

  const order = Array.from({ length: count }, (_, i) => i);
  const direction = left > 0 ? 1 : -1;
  order.sort((a, b) => {
    const ra = remainders[a] ?? 0;
    const rb = remainders[b] ?? 0;
    if (ra === rb) return a - b;
    // For a positive leftover the largest remainders first, for a negative one the most negative first.
    return (direction > 0 ? rb > ra : ra > rb) ? 1 : -1;
  });
  for (let k = 0; left !== 0; k = (k + 1) % count) {
    const i = order[k] ?? 0;
    shares[i] = (shares[i] ?? 0) + direction;
    left -= direction;
  }
  return shares;
}
