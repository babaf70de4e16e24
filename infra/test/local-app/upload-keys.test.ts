import { describe, expect, it } from 'vitest';
import { uploadKeyFor } from '../../local-app/upload-keys.ts';

const takenAmong =
  (...keys: string[]) =>
  (key: string) =>
    keys.includes(key);

describe('Function: uploadKeyFor', () => {
  it('puts a file under incoming/ by its name when that key is free', () => {
    expect(uploadKeyFor('/data/a/x.txt', takenAmong())).toBe('incoming/x.txt');
  });

  it('numbers a second and a third file of the same name before the extension', () => {
    expect(uploadKeyFor('b/x.txt', takenAmong('incoming/x.txt'))).toBe('incoming/x-2.txt');
    expect(uploadKeyFor('c/x.txt', takenAmong('incoming/x.txt', 'incoming/x-2.txt'))).toBe(
      'incoming/x-3.txt',
    );
  });

  it('numbers names without an extension, and only the last extension', () => {
    expect(uploadKeyFor('x', takenAmong('incoming/x'))).toBe('incoming/x-2');
    expect(uploadKeyFor('x.tar.gz', takenAmong('incoming/x.tar.gz'))).toBe('incoming/x.tar-2.gz');
  });

  it('numbers a file whose own name looks numbered like any other', () => {
    expect(uploadKeyFor('x-2.txt', takenAmong('incoming/x.txt', 'incoming/x-2.txt'))).toBe(
      'incoming/x-2-2.txt',
    );
  });
});
