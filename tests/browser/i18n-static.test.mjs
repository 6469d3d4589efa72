// Static checks of the web UI sources (no browser, no server): the two
// dictionaries have the same keys and placeholders, every key the code uses
// exists, and nothing inserts markup or inline script/style.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const web = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'web');
const en = JSON.parse(readFileSync(join(web, 'i18n', 'en.json'), 'utf8'));
const ar = JSON.parse(readFileSync(join(web, 'i18n', 'ar.json'), 'utf8'));
const jsFiles = readdirSync(join(web, 'js')).filter((f) => f.endsWith('.js'));
const sources = Object.fromEntries(jsFiles.map((f) => [f, readFileSync(join(web, 'js', f), 'utf8')]));
const FORMS = ['zero', 'one', 'two', 'few', 'many', 'other'];
// A plural key is base.<form> for a base that has a .one form.
const pluralBases = new Set(Object.keys(en).filter((k) => k.endsWith('.one')).map((k) => k.slice(0, -4)));
const isPlural = (k) => FORMS.some((f) => k.endsWith(`.${f}`) && pluralBases.has(k.slice(0, -(f.length + 1))));
const placeholders = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

test('en.json and ar.json have exactly the same keys', () => {
  const missingInAr = Object.keys(en).filter((k) => !(k in ar));
  const missingInEn = Object.keys(ar).filter((k) => !(k in en));
  assert.deepEqual(missingInAr, [], 'keys missing in ar.json');
  assert.deepEqual(missingInEn, [], 'keys missing in en.json');
});

test('every value is a non-empty string and translations keep their placeholders', () => {
  for (const [name, dict] of [['en', en], ['ar', ar]]) {
    for (const [k, v] of Object.entries(dict)) {
      assert.equal(typeof v, 'string', `${name}:${k}`);
      assert.ok(v.trim().length > 0, `${name}:${k} is empty`);
    }
  }
  for (const k of Object.keys(en)) {
    if (isPlural(k)) {
      // Arabic dual and singular forms may spell the number out.
      for (const p of placeholders(ar[k])) assert.ok(placeholders(en[k]).includes(p), `ar:${k} has unknown {${p}}`);
    } else {
      assert.deepEqual(placeholders(ar[k]), placeholders(en[k]), `placeholders of ${k}`);
    }
  }
});

test('Arabic strings are Arabic', () => {
  // Keys whose value is the same in both languages on purpose.
  const same = new Set(['app.name', 'app.title', 'lang.en', 'lang.ar', 'value.none']);
  for (const [k, v] of Object.entries(ar)) {
    if (same.has(k)) continue;
    assert.match(v, /[\u0600-\u06FF]/, `ar:${k} has no Arabic letters: ${v}`);
  }
});

test('plural keys have all six forms in both languages', () => {
  assert.ok(pluralBases.size > 0);
  for (const b of pluralBases) {
    for (const form of FORMS) {
      assert.ok(`${b}.${form}` in en && `${b}.${form}` in ar, `${b}.${form}`);
    }
  }
});

test('every dictionary key used by the code exists', () => {
  const used = new Set();
  for (const [f, src] of Object.entries(sources)) {
    // Literal keys: 'partners.title' and the like.
    for (const m of src.matchAll(/'([a-z_]+(?:\.[a-z_0-9]+)+)'/g)) {
      if (m[1] === 'liaison.lang') continue; // the localStorage key
      used.add(`${m[1]}\u0000${f}`);
    }
  }
  for (const entry of used) {
    const [key, f] = entry.split('\u0000');
    assert.ok(key in en || pluralBases.has(key), `${f} uses ${key}, which en.json does not have`);
  }
  // Keys built from enumerated values: prefix.value for every value.
  const enums = {
    kind: ['physician', 'practice', 'hospital', 'clinic', 'imaging', 'laboratory', 'therapy', 'home_health', 'pharmacy', 'other'],
    stage: ['prospect', 'contacted', 'meeting', 'active', 'inactive', 'lost'],
    scheme: ['npi', 'scfhs', 'license', 'facility', 'other'],
    contact_role: ['office_manager', 'referral_coordinator', 'physician', 'nurse', 'billing', 'other'],
    channel: ['phone', 'email', 'fax', 'portal', 'message', 'in_person'],
    role: ['admin', 'manager', 'liaison', 'coordinator', 'clinician', 'partner'],
    lang: ['en', 'ar'],
    address: ['line', 'city', 'region', 'postal_code', 'country'],
    // Referrals (docs/api.md "Referrals").
    status: ['draft', 'sent', 'received', 'info_requested', 'accepted', 'waitlisted', 'declined', 'redirected',
      'scheduled', 'seen', 'completed', 'cancelled', 'expired', 'failed', 'entered_in_error'],
    move: ['sent', 'received', 'info_requested', 'accepted', 'waitlisted', 'declined', 'redirected', 'scheduled', 'seen',
      'completed', 'cancelled', 'expired', 'failed', 'entered_in_error', 'reopen', 'resume', 'rebook'],
    move_help: ['sent', 'received', 'info_requested', 'accepted', 'waitlisted', 'declined', 'redirected', 'scheduled', 'seen',
      'completed', 'cancelled', 'expired', 'failed', 'entered_in_error', 'reopen', 'resume', 'rebook'],
    urgency: ['routine', 'urgent', 'emergent'],
    direction: ['outbound', 'inbound'],
    care: ['consult', 'co_management', 'transfer'],
    sex: ['female', 'male', 'other', 'unknown'],
    step: ['acknowledge', 'schedule', 'see', 'report'],
    weekday: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'],
    packet_item: ['reason', 'diagnoses', 'history', 'medications', 'allergies', 'results', 'treatment', 'question', 'attachments'],
    checklist: ['general', 'cardiology', 'orthopaedics', 'oncology'],
    appt: ['booked', 'rescheduled', 'cancelled', 'no_show', 'attended',
      ...['rescheduled', 'cancelled', 'no_show', 'attended'].flatMap((s) => [`do_${s}`, `title_${s}`, `submit_${s}`, `help_${s}`, `done_${s}`])],
    rform: ['history', 'medications', 'allergies', 'results', 'treatment', 'question'].map((k) => `hint_${k}`),
  };
  for (const [prefix, values] of Object.entries(enums)) {
    for (const v of values) assert.ok(`${prefix}.${v}` in en, `${prefix}.${v}`);
  }
});

test('the UI never inserts markup from strings (style.md convention 9)', () => {
  for (const [f, src] of Object.entries(sources)) {
    for (const bad of ['innerHTML', 'outerHTML', 'insertAdjacentHTML', 'document.write', 'eval(', 'new Function', 'createContextualFragment', 'srcdoc']) {
      assert.ok(!src.includes(bad), `${f} uses ${bad}`);
    }
  }
});

test('index.html has no inline script, inline style or event-handler attributes', () => {
  const html = readFileSync(join(web, 'index.html'), 'utf8');
  assert.ok(!/<script(?![^>]*\bsrc=)[^>]*>/i.test(html), 'inline <script>');
  assert.ok(!/\sstyle\s*=/i.test(html), 'style attribute');
  assert.ok(!/<style/i.test(html), '<style> element');
  assert.ok(!/\son[a-z]+\s*=/i.test(html), 'on* attribute');
  assert.match(html, /<script type="module" src="\/js\/app\.js"><\/script>/);
  for (const src of Object.values(sources)) {
    assert.ok(!/setAttribute\(\s*['"](style|on[a-z]+)['"]/.test(src), 'setAttribute of style or on*');
  }
});

test('the stylesheet uses logical properties, not physical left/right', () => {
  const css = readFileSync(join(web, 'css', 'app.css'), 'utf8');
  const physical = css.match(/(?:margin|padding|border)-(?:left|right)\b|(?<![-\w])(?:left|right)\s*:|text-align\s*:\s*(?:left|right)|float\s*:\s*(?:left|right)/g);
  assert.equal(physical, null, `physical properties: ${physical}`);
});
