export { PLACEMENT_KINDS } from './types';
export type { Placement, PlacementKind } from './types';
export { initialRangeTable, rangeIndex, splitRange, reassignRanges, rangeLoad, splitPointFor, RangeMap } from './range-map';
export type { KeyRange, RangeTable, RangeView } from './range-map';
export { placementLoad, placementMoves } from './stats';
export type { PlacementLoad, PlacementMoves } from './stats';
export { RangePlacementService, PLACEMENT_SERVICE } from './range-service';
export type { PlacementCommand, PlacementResult } from './range-service';
