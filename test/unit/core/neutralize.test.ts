import { describe, expect, it } from 'vitest';
import { inlineName, neutralizePlan, neutralizeText, sourceBlock } from '../../../src/core/neutralize.js';
import { render } from '../../helpers/beacons.js';

describe('agent text made safe to post', () => {
  it.each([
    ['a planted marker', 'see <!-- samocode:plan:abc -->', 'see &lt;!-- samocode:plan:abc -->'],
    ['an open comment', 'text <!-- hidden to the end', 'text &lt;!-- hidden to the end'],
    ['an open box', '- [ ] deploy', '- ☐ deploy'],
    ['a ticked box', '* [x] done\n+ [X] too', '* ☑ done\n+ ☑ too'],
    ['a numbered box', '1. [ ] first\n2) [ ] second', '1. ☐ first\n2) ☐ second'],
    ['a quoted, indented box', '> - [ ] quoted\n  - [ ] nested', '> - ☐ quoted\n  - ☐ nested'],
  ])('%s', (_what, input, expected) => {
    expect(neutralizeText(input)).toBe(expected);
  });

  it.each([
    ['brackets in prose', 'use a[ ] or [x] here'],
    ['a link', '- [x](https://example.com)'],
    ['a comparison', 'a < b and c > d'],
  ])('leaves %s alone', (_what, input) => {
    expect(neutralizeText(input)).toBe(input);
  });
});

describe('a plan shown rendered with nothing hidden', () => {
  it.each([
    ['an HTML comment', 'do A <!-- and also B -->', 'do A &lt;!-- and also B -->'],
    ['a hidden element', '<details><summary>x</summary>rm -rf</details>', '&lt;details>&lt;summary>x&lt;/summary>rm -rf&lt;/details>'],
    ['a bare generic outside code', 'returns Promise<void>', 'returns Promise&lt;void>'],
    ['a processing instruction', '<?php evil ?>', '&lt;?php evil ?>'],
    ['a comment after an escaped backtick', '\\`<!-- x -->`', '\\`&lt;!-- x -->`'],
    ['a top heading', '# Plan', '### Plan'],
    ['a second heading', '  ## Steps', '  #### Steps'],
    ['the smallest heading', '###### Tiny', '###### Tiny'],
    ['a setext heading', 'Plan\n====\nSteps\n-----', 'Plan\n\n====\nSteps\n\n-----'],
    ['task boxes', '- [ ] one\n- [x] two', '- ☐ one\n- ☑ two'],
    ['a zero-width character', 'a\u200Bb', 'a⟨U+200B⟩b'],
  ])('shows %s', (_what, input, expected) => {
    expect(neutralizePlan(input)).toBe(expected);
  });

  it.each([
    ['inline code', 'call `Promise<void>` and ``a ` <b>``'],
    ['a fenced block', '```html\n<!-- kept -->\n# not a heading\n- [ ] not a box\n```'],
    ['a tilde fence with a backtick fence inside', '~~~\n```\n<div>\n~~~'],
    ['an autolink', 'see <https://example.com/x>'],
    ['a comparison', 'if a < b then'],
    ['a rule after a blank line', 'text\n\n---'],
    ['an issue reference heading', '#12 is not a heading'],
  ])('keeps %s as it reads (HTML in code only broken by an invisible space)', (_what, input) => {
    expect(neutralizePlan(input).replace(/\u200B/g, '')).toBe(input);
  });

  it('escapes again after a fence closes', () => {
    expect(neutralizePlan('````\n```\n<a>\n````\n<b>')).toBe('````\n```\n<\u200Ba>\n````\n&lt;b>');
  });

  it.each([
    ['an autolink holding a backtick', '<https://a.example/`><!-- hidden --><https://b.example/`>'],
    ['link targets holding a backtick', '[a](x`)<!-- hidden -->[b](y`)'],
    ['a fence in a list item that the next line ends', '- x\n  ```\n<!-- hidden -->\n<details><summary>s</summary>hidden</details>\n  ```'],
  ])('hides nothing behind %s, which looks like code and is not', (_what, input) => {
    const html = render(neutralizePlan(input));
    expect(html).not.toMatch(/<!--|<details/);
    expect(render(input)).toMatch(/<!--|<details/);
  });
});

describe('the exact source of a plan', () => {
  it.each([
    ['no backticks', 'plain', '```'],
    ['a code span', 'a `b` c', '```'],
    ['a fenced block', '```js\nx\n```', '````'],
    ['a long run', 'a ``````` b', '````````'],
  ])('is fenced longer than any backtick run inside (%s)', (_what, text, fence) => {
    expect(sourceBlock(text)).toBe(`${fence}markdown\n${text}\n${fence}`);
  });

  it('writes invisible characters out', () => {
    expect(sourceBlock('a\u202Eb\n')).toBe('```markdown\na⟨U+202E⟩b\n```');
  });
});

describe('a name the agent chose', () => {
  it.each([
    ['an ordinary file name', '11-25-plan.md', '`11-25-plan.md`'],
    ['backticks', 'a`b.md', '``a`b.md``'],
    ['a leading backtick', '`plan.md', '`` `plan.md ``'],
    ['a marker', 'plan<!-- samocode:plan:x -->.md', '`plan<!\u2011- samocode:plan:x -->.md`'],
  ])('is code that cannot break out (%s)', (_what, name, expected) => {
    expect(inlineName(name)).toBe(expected);
  });
});

describe('mentions in what the agent wrote', () => {
  it.each([
    ['@victim please look', '@\u200bvictim please look'],
    ['ask @org/security-team', 'ask @\u200borg/security-team'],
    ['mail me at a@example.com', 'mail me at a@example.com'],
    ['`@code` stays', '`@code` stays'],
  ])('%j', async (text, expected) => {
    const { neutralizeAgentText } = await import('../../../src/core/neutralize.js');
    expect(neutralizeAgentText(text)).toBe(expected);
  });
});
