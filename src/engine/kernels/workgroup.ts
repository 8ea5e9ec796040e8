/**
 * WGSL building blocks of the 'workgroup' variants (select.ts): one workgroup per row or per tile of
 * columns, lanes reading neighbouring addresses, partial results folded in workgroup memory. The fast
 * shape on real GPUs; on a software adapter every barrier is a fibre switch per invocation (program.ts).
 *
 * Every fold here has a fixed order (lane l takes lane l + s, s = lanes/2 … 1), so results do not depend
 * on scheduling. Barriers sit in straight-line code generated here, never under a branch on the index.
 */

/** Most lanes per row for the row programs: rows are H ≤ 1024 features or T ≤ 512 keys, so ≤ 16 loads a lane. */
export const ROW_LANES = 64;

/** Fewest elements a lane of a row program should sum: fewer lanes for short rows. */
export const MIN_PER_LANE = 4;

/**
 * Lanes for rows of `cols` elements: the power of two that gives each lane about MIN_PER_LANE elements, at
 * most ROW_LANES. Shorter rows get fewer lanes, which would otherwise idle (and, on a software adapter,
 * still pay for every barrier: the forward of a 4096-row × 128-key softmax took ~400 ms on SwiftShader
 * at 64 lanes a row, ~140 ms at 32). Part of the program keys.
 */
export function rowLanes(cols: number): number {
  let lanes = 1;
  while (lanes * MIN_PER_LANE < cols && lanes < ROW_LANES) lanes *= 2;
  return lanes;
}

/** Column tiles: TILE_COLS neighbouring columns (one coalesced load per row) × TILE_ROW_LANES rows at a time. */
export const TILE_COLS = 64;
export const TILE_ROW_LANES = 4;
export const TILE_LANES = TILE_COLS * TILE_ROW_LANES;

/**
 * Folds `lanes` partials into lane 0: `step(s)` is the statement that merges lane `lane + s` into lane
 * `lane` (the caller declares `let lane = localIndex;`). Starts with a barrier (the partials were just
 * written) and ends with one, so every lane may then read element 0.
 */
export function treeReduce(lanes: number, step: (s: number) => string): string {
  const levels = ['workgroupBarrier();'];
  for (let s = lanes / 2; s >= 1; s /= 2) levels.push(`if (lane < ${s}u) { ${step(s)} }`, 'workgroupBarrier();');
  return levels.join('\n      ');
}

/** The merge step of a plain sum over each of `arrays`. */
export const sumStep = (...arrays: string[]) => (s: number) => arrays.map((a) => `${a}[lane] += ${a}[lane + ${s}u];`).join(' ');

/**
 * `fn main` of a column-tile sum over rows [k·chunk, (k+1)·chunk) of a [rows, cols] buffer into
 * result[k·cols + c]. Uniforms: rows, cols, chunk. Workgroup w covers chunk k = w / tiles and columns
 * (w mod tiles)·TILE_COLS + [0, TILE_COLS); its TILE_ROW_LANES row-lanes take rows r0 + rl, r0 + rl + 4, …
 * (each step reads TILE_ROW_LANES coalesced row segments), and lane rl = 0 adds the row-lanes' sums in
 * order. `term` is the f32 expression summed, in terms of `r` (row), `c` (column) and `i` (r·cols + c).
 */
export function columnTileMain(term: string): string {
  return `
    var<workgroup> part : array<f32, ${TILE_LANES}>;
    fn main(index : i32) {
      let tiles = (uniforms.cols + ${TILE_COLS - 1}) / ${TILE_COLS};
      let w = index / ${TILE_LANES};
      let k = w / tiles;
      let c = (w - k * tiles) * ${TILE_COLS} + i32(localIndex % ${TILE_COLS}u);
      let rl = i32(localIndex / ${TILE_COLS}u);
      let r0 = k * uniforms.chunk;
      let r1 = min(uniforms.rows, r0 + uniforms.chunk);
      var s = 0.0;
      if (c < uniforms.cols) {
        for (var r = r0 + rl; r < r1; r += ${TILE_ROW_LANES}) {
          let i = r * uniforms.cols + c;
          s += ${term};
        }
      }
      part[localIndex] = s;
      workgroupBarrier();
      if (localIndex < ${TILE_COLS}u && c < uniforms.cols && r0 < uniforms.rows) {
        var t = part[localIndex];
        for (var j = 1u; j < ${TILE_ROW_LANES}u; j++) { t += part[localIndex + j * ${TILE_COLS}u]; }
        result[k * uniforms.cols + c] = t;
      }
    }`;
}

/** Invocations for a column-tile sum of `chunks` row chunks over `cols` columns. */
export const columnTileThreads = (chunks: number, cols: number) => chunks * Math.ceil(cols / TILE_COLS) * TILE_LANES;
