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

describe('counts in words', () => {
  it('an article as the number is said ("a 8×8 PNG" was written), and one name not "1 names"', async () => {
    const { articleFor } = await import('../src/plural.js');
    expect([8, 11, 18, 80, 110, 180, 1100, 11000, 18000, 28, 1].map((n) => `${articleFor(n)} ${n}`).join(', '))
      .toBe('an 8, an 11, an 18, an 80, a 110, a 180, a 1100, an 11000, an 18000, a 28, a 1');
    const { Network } = await import('../src/network.js');
    const { encodeModel } = await import('../src/model.js');
    const net = await Network.create({ sizes: [2, 3], loss: 'cross-entropy', backend: 'js' });
    expect(() => encodeModel(net, {}, false, { task: 'classification', classNames: ['a'] })).toThrow('encodeModel: data classNames lists 1 name but the network has 3');
    net.dispose();
  });
});
