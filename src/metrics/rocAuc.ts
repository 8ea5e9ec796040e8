/**
 * Binary ROC-AUC as the Mann–Whitney U statistic with average ranks for ties. This equals sklearn's
 * trapezoidal area under `roc_curve` (a tie between a positive and a negative counts ½) and needs one sort,
 * not a curve.
 */

/**
 * @param positive gold value per row (true = positive class)
 * @param scores   higher = more positive, one per row
 * @returns the AUC, or null when the gold column holds one value only (sklearn raises there)
 */
export function rocAuc(positive: readonly boolean[], scores: readonly number[]): number | null {
  if (positive.length !== scores.length) {
    throw new Error(`rocAuc: ${positive.length} gold values but ${scores.length} scores`);
  }
  const order = scores.map((_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let nPos = 0;
  let rankSumPos = 0;
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && scores[order[end + 1]] === scores[order[start]]) end += 1;
    // 1-based ranks start+1 … end+1 share their mean; the sum stays a half-integer, exact in float64.
    const averageRank = (start + end + 2) / 2;
    for (let j = start; j <= end; j++) {
      if (positive[order[j]]) {
        nPos += 1;
        rankSumPos += averageRank;
      }
    }
    start = end + 1;
  }
  const nNeg = positive.length - nPos;
  if (nPos === 0 || nNeg === 0) return null;
  return (rankSumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}
