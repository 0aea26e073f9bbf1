import type { DecodeIssue, Layer } from './packet.js';

/**
 * The two ways a layer stops (STYLE practice 4). `need` and `have` count bytes from the layer's
 * own start (`offset`, an index into the buffer the layer was decoded from), so a reader can
 * tell "header needs 20, 13 were captured" without knowing the layers before it.
 */
export function tooShort(layer: Layer, need: number, have: number, offset: number): DecodeIssue {
  return { kind: 'too-short', layer, need, have: have < 0 ? 0 : have, offset };
}

export function badField(layer: Layer, field: string, value: number, offset: number): DecodeIssue {
  return { kind: 'bad-field', layer, field, value, offset };
}
