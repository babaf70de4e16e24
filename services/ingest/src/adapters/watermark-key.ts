/**
 * The Uploads key of a unit's watermark, in both adapters: the upload id for a whole-file run
 * (as every build before chunks kept it), `<upload id>/<unit>` for a chunk.
 *
 * @example watermarkKeyOf('1f…', 'p1.8388608.c3') // '1f…/p1.8388608.c3'
 */
function watermarkKeyOf(uploadId: string, unit: string | null | undefined): string {
  return unit ? `${uploadId}/${unit}` : uploadId;
}

export { watermarkKeyOf };
