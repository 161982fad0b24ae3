/**
 * Servers (vLLM among them) report generated tokens only as a total per call; attribute them to choices in
 * proportion to text length (exact when there is one choice), so per-path token caps work.
 */
export function splitTokens(total: number | null, texts: readonly string[]): number[] {
  const lengths = texts.map((t) => t.length);
  const sum = lengths.reduce((a, b) => a + b, 0);
  if (total === null) return lengths.map((l) => Math.ceil(l / 4));
  if (sum === 0) return lengths.map(() => Math.floor(total / Math.max(1, texts.length)));
  const shares = lengths.map((l) => Math.floor((total * l) / sum));
  let remainder = total - shares.reduce((a, b) => a + b, 0);
  for (let i = 0; remainder > 0 && i < shares.length; i++, remainder--)
    shares[i] = (shares[i] ?? 0) + 1;
  return shares;
}
