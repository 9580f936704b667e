/**
 * Test vectors of spec §9.
 *
 * @module
 */
/** Bytes from hex text. */
export const hex = (s: string): Uint8Array =>
  new Uint8Array(s.trim().split(/\s+/).map((h) => parseInt(h, 16)));

/** Spec §9 record A: file_version at 1700000000.5. */
export const RECORD_A = hex(`18 00 00 00 00 00 00 00  a3 7f 4b 22
  09 00 00 20 40 fc 54 d9 41 1a 0d 62 72 61 69 6e 2e 45 76 65 6e 74 3a 32
  2b 35 31 10`);
/** Spec §9 record B: step 5, loss = 0.25 as simple_value. */
export const RECORD_B = hex(`1a 00 00 00 00 00 00 00  12 9b d8 2d
  09 00 00 40 40 fc 54 d9 41 10 05 2a 0d 0a 0b 0a 04 6c 6f 73 73 15 00 00 80 3e
  be 5f 55 6e`);
/** Spec §9 C: the bytes of a TF2 scalar Summary.Value. */
export const VALUE_C = hex(
  "0a 04 6c 6f 73 73 42 0a 08 01 12 00 22 04 00 00 80 3e 4a 0b 0a 09 0a 07 73 63 61 6c 61 72 73",
);
