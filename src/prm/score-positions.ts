import { InvalidUpstreamResponseError } from '../errors';
import type { ReadScoresContext } from './prm-family';

/** Every index at which `tokenId` occurs. */
export function findTokenPositions(tokenIds: readonly number[], tokenId: number): number[] {
  const positions: number[] = [];
  tokenIds.forEach((id, index) => {
    if (id === tokenId) positions.push(index);
  });
  return positions;
}

/** A token a score position must sit next to: `tokenIds[position + offset] === tokenId`. */
export interface PositionAnchor {
  offset: number;
  tokenId: number;
}

/**
 * The positions a position-based readout reads: `context.scorePositions` when given (checked
 * against `tokenIds` with `anchor`), else `derive(tokenIds)`.
 *
 * @throws InvalidUpstreamResponseError when the number of positions differs from `stepCount`
 *   (the server tokenized the markers differently, or truncation cut some).
 * @throws TypeError when neither positions nor token ids were passed: a wiring bug in the backend.
 */
export function resolveScorePositions(
  context: ReadScoresContext,
  anchor: PositionAnchor,
  derive: (tokenIds: readonly number[]) => number[],
): number[] {
  const { tokenIds, scorePositions } = context;
  let positions: number[];
  if (scorePositions !== undefined) {
    positions = [...scorePositions];
    if (tokenIds !== undefined) {
      const wrong = positions.find(
        (position) => tokenIds[position + anchor.offset] !== anchor.tokenId,
      );
      if (wrong !== undefined) {
        throw new TypeError(
          `score position ${wrong} is not anchored on token ${anchor.tokenId} at offset ` +
            `${anchor.offset}: positions and ids disagree`,
        );
      }
    }
  } else if (tokenIds !== undefined) {
    positions = derive(tokenIds);
  } else {
    throw new TypeError('this readout needs tokenIds or scorePositions');
  }
  if (positions.length !== context.stepCount) {
    throw new InvalidUpstreamResponseError(
      context.upstream,
      `found ${positions.length} step positions in the input for ${context.stepCount} steps`,
    );
  }
  return positions;
}
