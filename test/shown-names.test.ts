// Names and paths read from files, as a line of output shows them: control characters escaped
// (a model file's data path holding ESC [2J cleared the terminal in eval's note), long names cut.
import { describe, expect, it } from 'vitest';
import { trainedOn } from '../src/commands/analysis.js';
import { shownName, shownPath } from '../src/shown.js';

describe('names and paths from files', () => {
  it('escapes control characters and cuts a name at 40 characters, a path at 300', () => {
    expect(shownName('Adelie')).toBe('Adelie');
    expect(shownName('a\nb\u001b[2J')).toBe('a\\nb\\u001b[2J');
    expect(shownName('x'.repeat(50))).toBe(`${'x'.repeat(40)}…`);
    expect(shownPath(`/data/${'d'.repeat(100)}`)).toBe(`/data/${'d'.repeat(100)}`);
    expect(shownPath('y'.repeat(400))).toBe(`${'y'.repeat(300)}…`);
    // As the banner and predict's lines call them: map() hands each its index too.
    expect(['Adelie', 'Chinstrap', 'Gentoo'].map(shownName)).toEqual(['Adelie', 'Chinstrap', 'Gentoo']);
    expect(['/a', '/b'].map(shownPath)).toEqual(['/a', '/b']);
  });

  it("eval's and report's note of the data a model was trained on shows its path escaped", () => {
    expect(trainedOn({ data: '/d\n\u001b[2J' }, 'MNIST', undefined)).toBe('; the model was trained on /d\\n\\u001b[2J: give --data /d\\n\\u001b[2J');
    expect(trainedOn({ data: 'MNIST' }, 'MNIST', undefined)).toBe('');
  });
});
