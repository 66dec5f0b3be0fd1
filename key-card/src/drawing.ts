/**
 * A renderer-neutral drawing: what the PDF and the SVG renderers both draw, so the two never
 * disagree. Lengths are millimetres from the top-left corner; y of a text is its baseline.
 */
import type { Ink } from './inks.js';

export type Weight = 'regular' | 'bold';
export type Anchor = 'start' | 'middle' | 'end';

export interface TextItem {
  kind: 'text';
  x: number;
  y: number;
  /** Font size in points. */
  size: number;
  weight: Weight;
  anchor: Anchor;
  text: string;
  color: Ink;
}

export interface LineItem {
  kind: 'line';
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  /** Stroke width in points. */
  width: number;
  color: Ink;
  /** Dash and gap length in millimetres, or none for a solid line. */
  dash?: readonly [number, number];
}

export interface RectItem {
  kind: 'rect';
  x: number;
  y: number;
  w: number;
  h: number;
  fill: Ink;
}

/** A stroked circle (registration targets). */
export interface CircleItem {
  kind: 'circle';
  cx: number;
  cy: number;
  r: number;
  /** Stroke width in points. */
  width: number;
  color: Ink;
}

export type DrawItem = TextItem | LineItem | RectItem | CircleItem;

export interface Drawing {
  /** The trimmed size in millimetres. */
  width: number;
  height: number;
  /** How far printed colour runs past the trim edge (mm); 0 for sheets that are not cut. */
  bleed: number;
  items: DrawItem[];
}

export const MM_TO_PT = 72 / 25.4;
export const mm = (value: number): number => value * MM_TO_PT;
