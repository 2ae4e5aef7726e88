import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { classifyTopic, compileTrigger, maskPeer, matchTrigger, normalizePhone, wrapContent } from '../../workflows/gate/text.ts';

const DEFAULT_TRIGGER = compileTrigger('^\\s*friday:\\s*');
const PREFIX = '↓↓↓ F.R.I.D.A.Y. ↓↓↓';
const SUFFIX = '↑↑↑ F.R.I.D.A.Y. ↑↑↑';

describe('normalizePhone (SEED-BEHAVIOUR §2.1 phone normalisation)', () => {
  test('keep digits: if any, `+` + digits', () => {
    assert.equal(normalizePhone('+49 (170) 123-4567'), '+491701234567');
    assert.equal(normalizePhone('0049 170 1234567'), '+00491701234567');
    assert.equal(normalizePhone('491701234567@s.whatsapp.net'), '+491701234567');
    assert.equal(normalizePhone(491701234567), '+491701234567');
  });

  test('no digits: the trimmed input', () => {
    assert.equal(normalizePhone('  family-group  '), 'family-group');
    assert.equal(normalizePhone('   '), '');
  });

  test('missing: empty', () => {
    assert.equal(normalizePhone(undefined), '');
    assert.equal(normalizePhone(null), '');
    assert.equal(normalizePhone({ phone: '+49' }), '');
  });
});

describe('matchTrigger (SEED-BEHAVIOUR §2.1 triggerRegex, requireBodyAfterTrigger; §2.2.2)', () => {
  test('a pattern the original accepted without the unicode flag still compiles (`friday\\:`)', () => {
    const trigger = compileTrigger('^\\s*friday\\:\\s*');
    assert.deepEqual(matchTrigger(trigger, true, 'FRIDAY: go'), { text: 'FRIDAY: go', body: 'go' });
  });

  test('the default trigger `^\\s*friday:\\s*` matches case-insensitively and yields the body after it', () => {
    assert.deepEqual(matchTrigger(DEFAULT_TRIGGER, true, 'friday: play a movie'), { text: 'friday: play a movie', body: 'play a movie' });
    assert.deepEqual(matchTrigger(DEFAULT_TRIGGER, true, 'FRIDAY: hi'), { text: 'FRIDAY: hi', body: 'hi' });
    assert.deepEqual(matchTrigger(DEFAULT_TRIGGER, true, '  Friday:   what time is it?  '), { text: 'Friday:   what time is it?', body: 'what time is it?' });
  });

  test('case-insensitive for any configured pattern', () => {
    assert.ok(compileTrigger('^hey bot\\b').flags.includes('i'));
    assert.deepEqual(matchTrigger(compileTrigger('^hey bot\\b'), true, 'HEY BOT lights'), { text: 'HEY BOT lights', body: 'lights' });
  });

  test('text that does not match the trigger is not a trigger', () => {
    assert.equal(matchTrigger(DEFAULT_TRIGGER, true, 'hey friday: hi'), null);
    assert.equal(matchTrigger(DEFAULT_TRIGGER, true, 'friday hi'), null);
    assert.equal(matchTrigger(DEFAULT_TRIGGER, false, 'thursday: hi'), null);
  });

  test('requireBody: the body after the trigger must contain a letter or digit in any script', () => {
    assert.equal(matchTrigger(DEFAULT_TRIGGER, true, 'friday:'), null);
    assert.equal(matchTrigger(DEFAULT_TRIGGER, true, 'friday:    '), null);
    assert.equal(matchTrigger(DEFAULT_TRIGGER, true, 'friday: ¿?'), null);
    assert.equal(matchTrigger(DEFAULT_TRIGGER, true, 'friday: 🙂!!'), null);
    assert.deepEqual(matchTrigger(DEFAULT_TRIGGER, true, 'friday: 你好'), { text: 'friday: 你好', body: '你好' });
    assert.deepEqual(matchTrigger(DEFAULT_TRIGGER, true, 'friday: ٣'), { text: 'friday: ٣', body: '٣' });
    assert.deepEqual(matchTrigger(DEFAULT_TRIGGER, true, 'friday: é?'), { text: 'friday: é?', body: 'é?' });
    assert.deepEqual(matchTrigger(DEFAULT_TRIGGER, true, 'friday: 7'), { text: 'friday: 7', body: '7' });
  });

  test('requireBody off: the trigger alone is enough', () => {
    assert.deepEqual(matchTrigger(DEFAULT_TRIGGER, false, 'friday:'), { text: 'friday:', body: '' });
    assert.deepEqual(matchTrigger(DEFAULT_TRIGGER, false, 'friday: ¿?'), { text: 'friday: ¿?', body: '¿?' });
  });
});

describe('matchTrigger on the trimmed text, as the original', () => {
  test('a custom ^friday: matches "  friday: …" and trigger_text is the trimmed text', () => {
    assert.deepEqual(matchTrigger(compileTrigger('^friday:'), true, '  friday: lights off \n'), { text: 'friday: lights off', body: 'lights off' });
  });

  test('agrees with the original rule (test the trimmed content, body = replace then trim)', () => {
    const original = (pattern: string, content: string) => {
      const re = new RegExp(pattern, 'i');
      const trimmed = content.trim();
      return re.test(trimmed) ? { text: trimmed, body: trimmed.replace(re, '').trim() } : null;
    };
    const patterns = ['^friday:', '^\\s*friday:\\s*', 'friday', '^hey bot\\b', 'bot$'];
    const texts = ['  friday: go', 'friday:go  ', '\tFRIDAY: x', 'say friday twice friday', ' hey bot lights', 'lights bot  ', 'nothing'];
    for (const p of patterns) for (const t of texts) assert.deepEqual(matchTrigger(compileTrigger(p), false, t), original(p, t), `${p} on ${JSON.stringify(t)}`);
  });
});

describe('classifyTopic (SEED-BEHAVIOUR §2.2.3 topic threads)', () => {
  test('substring match, exactly as the original (lowercase, then /(movie|show|…)/ and /(calendar|remind|…)/)', () => {
    const original = (body: string) => {
      const t = body.toLowerCase();
      if (/(movie|show|episode|series|plex|radarr|sonarr)/.test(t)) return 'media';
      if (/(calendar|remind|reminder|schedule|meeting)/.test(t)) return 'scheduling';
      return 'general';
    };
    const texts = ['reminding me', 'reschedule it', 'showtime?', 'scheduling lunch', 'scheduled', 'MEETINGS', 'Plexiglass', 'shower', 'remind me of the show', 'weather', ''];
    for (const text of texts) assert.equal(classifyTopic(text), original(text), text);
    assert.deepEqual(['reminding', 'reschedule', 'showtime', 'scheduling'].map(classifyTopic), ['scheduling', 'scheduling', 'media', 'general']);
  });

  test('media: movie/show/episode/series/plex/radarr/sonarr', () => {
    for (const text of ['play a movie', 'next show please', 'last episode', 'that series', 'is plex up', 'add it to Radarr', 'SONARR queue']) {
      assert.equal(classifyTopic(text), 'media', text);
    }
  });

  test('scheduling: calendar/remind/reminder/schedule/meeting', () => {
    for (const text of ['check my calendar', 'remind me at 5', 'set a reminder', 'Schedule lunch', 'move the meeting']) {
      assert.equal(classifyTopic(text), 'scheduling', text);
    }
  });

  test('general: anything else', () => {
    for (const text of ['what is the weather', 'hi', '']) assert.equal(classifyTopic(text), 'general', text);
  });
});

describe('wrapContent (SEED-BEHAVIOUR §2.3.1)', () => {
  test('non-blank text is wrapped as prefix, newline, trimmed text, newline, suffix', () => {
    assert.equal(wrapContent('  hello there \n', PREFIX, SUFFIX), `${PREFIX}\nhello there\n${SUFFIX}`);
  });

  test('blank text is left untouched', () => {
    assert.equal(wrapContent('', PREFIX, SUFFIX), '');
    assert.equal(wrapContent(' \n\t ', PREFIX, SUFFIX), ' \n\t ');
  });

  test('text that already starts with the prefix and ends with the suffix is left untouched (idempotent)', () => {
    const once = wrapContent('hello', PREFIX, SUFFIX);
    assert.equal(wrapContent(once, PREFIX, SUFFIX), once);
    const spaced = `\n${PREFIX}\nhello\n${SUFFIX}  `;
    assert.equal(wrapContent(spaced, PREFIX, SUFFIX), spaced);
    assert.equal(wrapContent(`${PREFIX} only the prefix`, PREFIX, SUFFIX), `${PREFIX}\n${PREFIX} only the prefix\n${SUFFIX}`);
  });
});

describe('maskPeer (logs and Web UI)', () => {
  test('a phone number is shortened to its first 3 and last 2 characters', () => {
    assert.equal(maskPeer('+491701234567'), '+49…67');
  });

  test('short ids are shown as they are', () => {
    assert.equal(maskPeer('+12345'), '+12345');
    assert.equal(maskPeer(''), '');
  });
});
