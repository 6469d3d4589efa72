#!/usr/bin/env node
// bench/gen.mjs — the synthetic referral network for `make bench`.
//
//   node bench/gen.mjs --out DIR --users users.json [--scale 1] [--seed N] [--now EPOCH]
//
// Writes one headerless CSV per table into DIR (partners, contacts, patients,
// referrals, referral_events, appointments, documents) and DIR/manifest.json
// naming each file's table, columns and row count, in the order to load them.
// The loaders (bench/lib/load.mjs) read the manifest: SQLite through the
// sqlite3 CLI's .import into staging tables, PostgreSQL through COPY ... CSV.
// An empty field is NULL (COPY's CSV rule; the SQLite loader maps '' to NULL);
// the generator never writes an empty string.
//
// The rows are what the application itself would have written:
//   - derived columns hold the folded form (partners.name_key, search_key,
//     specialty_key, patients.search_key): lower-cased ASCII, and for the
//     Arabic patient names the letter unification of src/util/text.c;
//   - each referral's events walk the state machine of src/domain/referral.c
//     (every move an allowed one, by the side that owns it, on_behalf as the
//     API records it), and status, status_at, sent_at, seen_at, closed_at,
//     month, completeness_score/override and due_step/due_at are what
//     src/api/referrals.c stores after the last move (due times from the
//     default service levels of src/domain/sla.c on a Monday-Friday week,
//     UTC); appointments and documents match the moves;
//   - referrals left waiting in `sent` or `info_requested` are all younger
//     than the 30-day expiry, so the server's expiry job finds nothing to do.
// `bench/check.c` re-derives all of this with the application's own code.
//
// Distributions (fixed seed, so runs compare): partners send by a Zipf law
// (rank k gets 1/k: the top 1% of partners send about half the referrals), a
// third of partners send nothing (prospects, archived); three years of
// referrals with weekday/weekend and seasonal shape (quiet July, August and
// late December) and 25% growth over the period; 80/15/5% routine, urgent,
// emergent; every state of the lifecycle present, open work concentrated in
// the last weeks. Interactions are not generated yet (the table does not
// exist); add them here when it does.
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

// ---------------------------------------------------------------- options
const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => {
    if (a.startsWith('--')) acc.push([a.slice(2), all[i + 1]]);
    return acc;
  }, []),
);
const SCALE = Number(args.scale ?? process.env.SCALE ?? 1);
const SEED = Number(args.seed ?? process.env.SEED ?? 20261126);
const OUT = args.out;
if (!OUT || !args.users || !(SCALE > 0)) {
  console.error('usage: node bench/gen.mjs --out DIR --users users.json [--scale 1] [--seed N] [--now EPOCH]');
  process.exit(2);
}
const USERS = JSON.parse(readFileSync(args.users, 'utf8')); // {admin, coordinator, clinician, manager, liaisons:[]}
const NOW = Number(args.now ?? Math.floor(Date.now() / 1000));
const DAY = 86400;
const YEARS = 3;
const N_PARTNERS = Math.max(20, Math.round(5000 * SCALE));
const N_REFERRALS = Math.max(100, Math.round(1_000_000 * SCALE));
mkdirSync(OUT, { recursive: true });

// ---------------------------------------------------------------- random
// sfc32: small, fast, deterministic.
let sa = 0x9e3779b9, sb = 0x243f6a88, sc = 0xb7e15162, sd = SEED >>> 0;
function rnd() {
  sa >>>= 0; sb >>>= 0; sc >>>= 0; sd >>>= 0;
  let t = (sa + sb) | 0;
  sa = sb ^ (sb >>> 9);
  sb = (sc + (sc << 3)) | 0;
  sc = (sc << 21) | (sc >>> 11);
  sd = (sd + 1) | 0;
  t = (t + sd) | 0;
  sc = (sc + t) | 0;
  return (t >>> 0) / 4294967296;
}
for (let i = 0; i < 32; i++) rnd();
const pick = (arr) => arr[Math.floor(rnd() * arr.length)];
const between = (a, b) => a + rnd() * (b - a);
const chance = (p) => rnd() < p;
// Log-normal delay in seconds with the given median (days) and spread.
const delay = (medianDays, sigma = 0.8) => Math.round(medianDays * DAY * Math.exp(sigma * gauss()));
function gauss() {
  let u = 0;
  while (u === 0) u = rnd();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rnd());
}

// ---------------------------------------------------------------- CSV output
class Csv {
  constructor(table, columns) {
    this.table = table;
    this.columns = columns;
    this.file = `${table}.csv`;
    this.fd = openSync(join(OUT, this.file), 'w');
    this.parts = [];
    this.size = 0;
    this.rows = 0;
  }
  row(values) {
    let line = '';
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (i) line += ',';
      if (v === null || v === undefined) continue;
      if (typeof v === 'number') { line += v; continue; }
      if (typeof v === 'boolean') { line += v ? 1 : 0; continue; }
      if (v === '') throw new Error(`${this.table}: empty string in column ${this.columns[i]}`);
      line += /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
    }
    line += '\n';
    this.parts.push(line);
    this.size += line.length;
    this.rows++;
    if (this.size > 1 << 20) this.flush();
  }
  flush() {
    if (this.parts.length) writeSync(this.fd, this.parts.join(''));
    this.parts = [];
    this.size = 0;
  }
  close() {
    this.flush();
    closeSync(this.fd);
    return { table: this.table, file: this.file, columns: this.columns, rows: this.rows };
  }
}

// ---------------------------------------------------------------- folding
// text_fold() for the text generated here: ASCII lower case, whitespace runs
// collapsed and trimmed; Arabic alef forms -> ا, ى -> ي, ة -> ه, ؤ -> و,
// ئ -> ي, harakat and tatweel removed (src/util/text.c).
function fold(s) {
  return s
    .toLowerCase()
    .replace(/[\u0623\u0625\u0622\u0671]/g, '\u0627')
    .replace(/\u0649/g, '\u064a')
    .replace(/\u0629/g, '\u0647')
    .replace(/\u0624/g, '\u0648')
    .replace(/\u0626/g, '\u064a')
    .replace(/[\u064b-\u065f\u0670\u0640]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

// ---------------------------------------------------------------- service levels
// src/domain/sla.c defaults on a Monday-Friday week at UTC, no holidays.
const MIN = 60;
const SLA = {
  routine: [['biz', 2 * 1440], ['cal', 7 * 1440], ['cal', 30 * 1440], ['cal', 7 * 1440]],
  urgent: [['cal', 4 * 60], ['cal', 2 * 1440], ['cal', 7 * 1440], ['cal', 2 * 1440]],
  emergent: [['cal', 60], ['eod', 0], ['cal', 1440], ['cal', 1440]],
};
const STEP_NAMES = ['acknowledge', 'schedule', 'see', 'report'];
const STEP_OF = { sent: 0, info_requested: 0, received: 1, accepted: 1, waitlisted: 1, scheduled: 2, seen: 3 };
const workingDay = (day) => { const wd = (((day + 4) % 7) + 7) % 7; return wd >= 1 && wd <= 5; };
function targetDue([clock, minutes], start) {
  let seconds = minutes * MIN;
  if (clock === 'cal') return start + seconds;
  if (clock === 'eod') return (Math.floor((start + seconds) / DAY) + 1) * DAY;
  let pos = start;
  while (seconds > 0) {
    const day = Math.floor(pos / DAY), dayEnd = (day + 1) * DAY;
    if (workingDay(day)) {
      if (seconds <= dayEnd - pos) return pos + seconds;
      seconds -= dayEnd - pos;
    }
    pos = dayEnd;
  }
  return pos;
}

// ---------------------------------------------------------------- completeness
// src/domain/completeness.c: default checklists by receiving specialty.
const ITEMS = ['reason', 'diagnoses', 'history', 'medications', 'allergies', 'results', 'treatment', 'question', 'attachments'];
const GENERAL = { reason: 1, diagnoses: 1, history: 1, medications: 1, allergies: 1, question: 1 };
const CHECKLISTS = {
  general: GENERAL,
  cardiology: { ...GENERAL, results: 2 },
  orthopaedics: { ...GENERAL, results: 2, treatment: 1 },
  orthopedics: { ...GENERAL, results: 2, treatment: 1 },
  oncology: { ...GENERAL, results: 2, treatment: 2, attachments: 1 },
};
function score(specialty, present) {
  const c = CHECKLISTS[(specialty || '').toLowerCase()] || GENERAL;
  let total = 0, have = 0, missing = 0;
  for (const item of ITEMS) {
    if (!c[item]) continue;
    total += c[item];
    if (present.has(item)) have += c[item]; else missing++;
  }
  let s = Math.floor((200 * have + total) / (2 * total));
  if (missing && s > 99) s = 99;
  return s;
}

// ---------------------------------------------------------------- vocabulary
const GIVEN = ['James', 'Mary', 'Robert', 'Patricia', 'Michael', 'Linda', 'David', 'Elizabeth', 'William', 'Susan',
  'Daniel', 'Karen', 'Thomas', 'Nancy', 'Joseph', 'Lisa', 'Charles', 'Sandra', 'Matthew', 'Ashley', 'Anthony',
  'Emily', 'Mark', 'Donna', 'Steven', 'Michelle', 'Andrew', 'Carol', 'Joshua', 'Amanda', 'Kevin', 'Melissa',
  'Brian', 'Deborah', 'George', 'Stephanie', 'Omar', 'Layla', 'Yusuf', 'Amira', 'Carlos', 'Sofia', 'Wei', 'Mei',
  'Raj', 'Priya', 'Ivan', 'Olga', 'Kwame', 'Ama'];
const FAMILY = ['Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez',
  'Martinez', 'Hernandez', 'Lopez', 'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson',
  'Martin', 'Lee', 'Perez', 'Thompson', 'White', 'Harris', 'Sanchez', 'Clark', 'Ramirez', 'Lewis', 'Robinson',
  'Walker', 'Young', 'Allen', 'King', 'Wright', 'Scott', 'Torres', 'Nguyen', 'Hill', 'Flores', 'Green', 'Adams',
  'Nelson', 'Baker', 'Hall', 'Rivera', 'Campbell', 'Mitchell', 'Carter', 'Roberts', 'Haddad', 'Khoury', 'Patel',
  'Chen', 'Kim', 'Okafor', 'Mensah', 'Novak', 'Kowalski', 'Schmidt'];
const GIVEN_AR = ['محمد', 'فاطمة', 'عبدالله', 'نورة', 'خالد', 'سارة', 'أحمد', 'ريم', 'سلطان', 'هند', 'فيصل', 'لطيفة',
  'إبراهيم', 'منى', 'يوسف', 'عائشة'];
const FAMILY_AR = ['العتيبي', 'القحطاني', 'الغامدي', 'الدوسري', 'الشهري', 'الزهراني', 'الحربي', 'المطيري', 'السبيعي',
  'العنزي', 'الشمري', 'الأحمدي'];
// [city, region, country, postal prefix, phone prefix, weight]
const CITIES = [
  ['Springfield', 'IL', 'US', '627', '+1 217 555', 30], ['Chicago', 'IL', 'US', '606', '+1 312 555', 14],
  ['Peoria', 'IL', 'US', '616', '+1 309 555', 8], ['Decatur', 'IL', 'US', '625', '+1 217 555', 6],
  ['Champaign', 'IL', 'US', '618', '+1 217 555', 6], ['St. Louis', 'MO', 'US', '631', '+1 314 555', 8],
  ['Bloomington', 'IL', 'US', '617', '+1 309 555', 5], ['Jacksonville', 'IL', 'US', '626', '+1 217 555', 3],
  ['Riyadh', 'Riyadh', 'SA', '1', '+966 11 555', 12], ['Jeddah', 'Makkah', 'SA', '2', '+966 12 555', 5],
  ['Dammam', 'Eastern Province', 'SA', '3', '+966 13 555', 3],
];
const CITY_TOTAL = CITIES.reduce((s, c) => s + c[5], 0);
function pickCity() {
  let x = rnd() * CITY_TOTAL;
  for (const c of CITIES) { x -= c[5]; if (x < 0) return c; }
  return CITIES[0];
}
// [specialty, taxonomy, refers to us (inbound share), weight]
const SPECIALTIES = [
  ['Family Medicine', '207Q00000X', 0.9, 22], ['Internal Medicine', '207R00000X', 0.85, 18],
  ['Pediatrics', '208000000X', 0.85, 8], ['Obstetrics & Gynecology', '207V00000X', 0.7, 5],
  ['Cardiology', '207RC0000X', 0.3, 6], ['Orthopaedics', '207X00000X', 0.3, 5], ['Oncology', '207RX0202X', 0.3, 4],
  ['Neurology', '2084N0400X', 0.25, 4], ['Gastroenterology', '207RG0100X', 0.25, 3],
  ['Endocrinology', '207RE0101X', 0.25, 3], ['Pulmonology', '207RP1001X', 0.25, 3],
  ['Physical Therapy', '225100000X', 0.1, 4], ['Radiology', '2085R0202X', 0.05, 3],
  ['Emergency Medicine', '207P00000X', 0.95, 4], ['Urgent care', '261QU0200X', 0.95, 3],
  ['Community health', '261QC1500X', 0.9, 3], ['Home Health', '251E00000X', 0.1, 2],
];
const SPEC_TOTAL = SPECIALTIES.reduce((s, x) => s + x[3], 0);
function pickSpecialty() {
  let x = rnd() * SPEC_TOTAL;
  for (const s of SPECIALTIES) { x -= s[3]; if (x < 0) return s; }
  return SPECIALTIES[0];
}
const PAYERS_US = ['Medicare', 'Illinois Medicaid', 'Blue Cross Blue Shield of Illinois', 'UnitedHealthcare', 'Aetna',
  'Cigna', 'Humana', 'Health Alliance', 'Meridian'];
const PAYERS_SA = ['Bupa Arabia', 'Tawuniya', 'MedGulf', 'Ministry of Health', 'Self-pay'];
const STREETS = ['Main St', 'Wabash Ave', 'Rutledge St', 'Cook St', 'Chatham Rd', 'Dirksen Pkwy', 'Monroe St',
  'Veterans Pkwy', 'King Fahd Rd', 'Olaya St', 'Tahlia St'];
// [reason, dx, history, question, our specialty]
const CASES = [
  ['Exertional chest pain', 'I20.9', 'Hypertension for 10 years; ex-smoker.', 'Please assess for angiography.', 'Cardiology'],
  ['Palpitations and dizziness', 'R00.2', 'Episodes for three months, worse with caffeine.', 'Holter and rhythm assessment, please.', 'Cardiology'],
  ['New atrial fibrillation', 'I48.91', 'Irregular pulse found at an annual check.', 'Anticoagulation and rate control advice.', 'Cardiology'],
  ['Knee pain after a fall', 'M25.561', 'Twisting injury playing football six weeks ago.', 'Is arthroscopy indicated?', 'Orthopaedics'],
  ['Hip osteoarthritis', 'M16.11', 'Pain on walking for two years; analgesia no longer enough.', 'Consider joint replacement.', 'Orthopaedics'],
  ['Low back pain with sciatica', 'M54.41', 'Eight weeks of pain radiating to the left leg.', 'Physiotherapy plan and imaging advice.', 'Orthopaedics'],
  ['Breast lump', 'N63.0', 'Painless 2 cm lump found on self-examination.', 'Urgent triple assessment, please.', 'Oncology'],
  ['Unexplained weight loss', 'R63.4', 'Eight kilograms lost in three months, night sweats.', 'Please investigate for malignancy.', 'Oncology'],
  ['Type 2 diabetes, poor control', 'E11.65', 'HbA1c 9.8% despite metformin and gliclazide.', 'Please advise on insulin start.', null],
  ['Persistent cough', 'R05.9', 'Cough for ten weeks, no fever, non-smoker.', 'Please rule out asthma.', null],
  ['Child with recurrent ear infections', 'H66.90', 'Five episodes of otitis media this year.', 'Consider grommets?', null],
  ['Headaches with visual aura', 'G43.109', 'Monthly attacks for a year, not helped by simple analgesia.', 'Neurology opinion on prophylaxis.', null],
  ['Follow-up after myocardial infarction', 'I25.2', 'Stented six months ago, doing well.', 'Cardiac rehabilitation, please.', 'Cardiology'],
];
const MEDICATIONS = ['Amlodipine 5 mg daily; aspirin 81 mg daily', 'Metformin 1 g twice daily', 'Atorvastatin 40 mg at night',
  'Ibuprofen 400 mg as needed', 'No regular medication', 'Lisinopril 10 mg daily; metoprolol 25 mg twice daily'];
const ALLERGIES = ['No known drug allergies', 'Penicillin (rash)', 'Sulfa drugs', 'No known drug allergies', 'Latex'];
const RESULTS = ['ECG: sinus rhythm, no acute changes.', 'HbA1c 9.8%, eGFR 72.', 'X-ray: joint space narrowing.',
  'CBC normal; CRP 12.', 'Ultrasound: 2 cm solid lesion.'];
const TREATMENTS = ['Analgesia and activity modification for six weeks.', 'Physiotherapy for eight weeks without benefit.',
  'Started on a beta blocker.', 'Two courses of antibiotics.'];
const DECLINE = [['out_of_scope', 'Outside our scope of practice; suggest general surgery.'],
  ['capacity', 'No capacity for new patients in this service for three months.'],
  ['insurance', 'The patient\'s plan is not accepted by this service.'],
  ['incomplete', 'Referral lacks the imaging needed to triage.']];
const LOCATIONS = ['Clinic 2, main building', 'Heart Centre, level 3', 'Orthopaedic clinic, east wing',
  'Oncology day unit', 'Riyadh clinic, room 4', 'Telehealth video visit'];
const REPORT = 'Consultation report\nAssessment complete; plan agreed with the patient.\n' +
  'Follow-up with the referring physician in 3 months.\n';
const REPORT_SHA = createHash('sha256').update(REPORT).digest('hex');

function npi(prefix9) {
  let sum = 24;
  for (let i = 8, dbl = true; i >= 0; i--, dbl = !dbl) {
    let d = prefix9.charCodeAt(i) - 48;
    if (dbl) { d *= 2; if (d > 9) d -= 9; }
    sum += d;
  }
  return prefix9 + ((10 - (sum % 10)) % 10);
}
const month = (t) => { const d = new Date(t * 1000); return d.getUTCFullYear() * 100 + d.getUTCMonth() + 1; };
const slug = (s) => s.toLowerCase().replace(/[^a-z0-9]+/g, '');
const pad = (n, w) => String(n).padStart(w, '0');

// ---------------------------------------------------------------- partners
const START = Math.floor((NOW - YEARS * 365 * DAY) / DAY) * DAY; // a UTC midnight
const partners = new Csv('partners', ['id', 'kind', 'name', 'name_key', 'search_key', 'specialty', 'specialty_key',
  'taxonomy_code', 'organization', 'phone', 'email', 'addr_line', 'addr_city', 'addr_region', 'addr_postal_code',
  'addr_country', 'identifiers', 'languages', 'payers', 'in_network', 'stage', 'owner_id', 'checkin_days',
  'goals_theirs', 'goals_ours', 'notes', 'created_at', 'updated_at', 'archived_at', 'source', 'stage_at']);
const stages = new Csv('partner_stages', ['id', 'partner_id', 'from_stage', 'to_stage', 'at', 'user_id']);
let stageId = 0;
const contacts = new Csv('contacts', ['id', 'partner_id', 'name', 'role', 'phone', 'email', 'preferred_channel',
  'notes', 'created_at', 'updated_at']);
const P = []; // per partner: {id, specialty, inbound share, sends}
let contactId = 0;
const liaisons = USERS.liaisons;
for (let id = 1; id <= N_PARTNERS; id++) {
  const [city, region, country, postal, phone] = pickCity();
  const [specialty, taxonomy, inShare] = pickSpecialty();
  const sa = country === 'SA';
  const given = pick(GIVEN), family = pick(FAMILY);
  let kind = 'physician', name = `Dr. ${given} ${family}`, org = null;
  const k = rnd();
  if (specialty === 'Radiology') { kind = 'imaging'; name = `${city} ${pick(['Imaging Center', 'Diagnostic Imaging', 'MRI & CT'])}`; }
  else if (specialty === 'Physical Therapy') { kind = 'therapy'; name = `${family} Physical Therapy`; }
  else if (specialty === 'Home Health') { kind = 'home_health'; name = `${city} Home Health Services`; }
  else if (specialty === 'Urgent care' || specialty === 'Community health') { kind = 'clinic'; name = `${city} ${specialty === 'Urgent care' ? 'Urgent Care' : 'Community Health Center'} ${pick(['North', 'South', 'East', 'West', 'Central'])}`; }
  else if (specialty === 'Emergency Medicine') { kind = 'hospital'; name = `${city} ${pick(['General Hospital', 'Medical Center', 'Memorial Hospital'])}`; }
  else if (k < 0.25) { kind = 'practice'; name = `${family} ${specialty} Associates`; }
  else { org = `${family} ${pick(['Family Physicians', 'Medical Group', 'Clinic', 'Health Partners'])}`; }
  if (kind !== 'physician' && kind !== 'practice') org = null;
  // A third of partners send nothing: prospects being courted, lost, archived.
  const refers = rnd() < 0.67;
  const stage = refers ? (chance(0.88) ? 'active' : 'inactive') : pick(['prospect', 'prospect', 'contacted', 'meeting', 'lost']);
  const archived = !refers && chance(0.05);
  const created = refers ? START - Math.floor(between(120, 500) * DAY) : Math.floor(between(START - 200 * DAY, NOW - 2 * DAY));
  const owner = liaisons[(id - 1) % liaisons.length];
  // The pipeline so far (partner_stages, as PATCH /partners records it).
  const path = { active: ['contacted', 'meeting', 'active'], inactive: ['contacted', 'meeting', 'active', 'inactive'],
    prospect: [], contacted: ['contacted'], meeting: ['contacted', 'meeting'], lost: pick([['lost'], ['contacted', 'lost'], ['contacted', 'meeting', 'lost']]) }[stage];
  const moves = [[null, 'prospect', created]];
  let st = created;
  for (let k = 0; k < path.length; k++) {
    const room = NOW - 3600 - st;
    let step = path[k] === 'inactive' ? between(200, 700) * DAY : between(5, 30) * DAY;
    step = Math.floor(Math.min(step, room / (path.length - k + 1)));
    st += Math.max(60, step);
    moves.push([moves[moves.length - 1][1], path[k], st]);
  }
  const stageAt = st;
  for (const [from, to, at] of moves) stages.row([++stageId, id, from, to, at, owner]);
  const updated = Math.max(stageAt, Math.min(NOW - 60, created + Math.floor(between(0, NOW - created))));
  const ids = [{ scheme: 'npi', value: npi(pad(100000000 + Math.floor(rnd() * 899999999), 9)), issuer: null, expires_on: null }];
  if (sa && kind === 'physician') ids.push({ scheme: 'scfhs', value: `${pad(Math.floor(rnd() * 1e8), 8)}`, issuer: 'Saudi Commission for Health Specialties', expires_on: '2028-12-31' });
  const langs = sa ? ['ar', 'en'] : chance(0.2) ? ['en', 'es'] : ['en'];
  const payerPool = sa ? PAYERS_SA : PAYERS_US;
  const payers = [...new Set(Array.from({ length: 2 + Math.floor(rnd() * 4) }, () => pick(payerPool)))];
  const domain = `${slug(family)}${slug(specialty).slice(0, 8)}${id}.example`;
  const phoneNo = `${phone} ${pad(Math.floor(rnd() * 10000), 4)}`;
  partners.row([
    id, kind, name, fold(name), fold(`${name} ${specialty} ${city}`), specialty, fold(specialty), taxonomy, org,
    phoneNo, `office@${domain}`, `${100 + Math.floor(rnd() * 4900)} ${pick(STREETS)}`, city, region,
    sa ? `${postal}${pad(Math.floor(rnd() * 10000), 4)}` : `${postal}${pad(Math.floor(rnd() * 100), 2)}`, country,
    JSON.stringify(ids), JSON.stringify(langs), JSON.stringify(payers), refers ? chance(0.8) : chance(0.3), stage,
    owner, chance(0.15) ? null : pick([30, 30, 45, 60, 90]),
    refers ? pick(['Quick appointments for their patients and notes back within a week.', 'One number to call for urgent questions.', 'Spanish- and Arabic-speaking staff for their families.']) : null,
    pick(['Grow referrals in our strongest services.', 'Stay their first call for specialist care.', 'Introduce the new heart failure clinic.']),
    chance(0.5) ? pick(['Prefers a short lunch visit on Thursdays.', 'Faxes everything; call before sending portal messages.', 'Asked for a one-page guide to our referral criteria.']) : null,
    created, updated, archived ? updated : null, chance(0.4) ? pick(['event', 'peer_referral', 'registry', 'other']) : null, stageAt,
  ]);
  const contactIds = [];
  for (let c = 0, n = Math.floor(rnd() * 4); c < n; c++) {
    const cg = pick(GIVEN), cf = pick(FAMILY);
    contactIds.push(contactId + 1);
    contacts.row([++contactId, id, `${cg} ${cf}`, pick(['office_manager', 'referral_coordinator', 'physician', 'nurse', 'billing', 'other']),
      `${phone} ${pad(Math.floor(rnd() * 10000), 4)}`, `${slug(cg)}.${slug(cf)}@${domain}`,
      pick(['phone', 'email', 'fax', 'portal', 'message', 'in_person', null]), chance(0.3) ? 'Best reached before 10 am.' : null,
      created + DAY, created + DAY]);
  }
  P.push({ id, specialty, inShare, refers: refers && !archived, sa, created, owner, contacts: contactIds, stage, archived });
}

// Zipf weights over the referring partners in a shuffled rank order.
const senders = P.filter((p) => p.refers);
for (let i = senders.length - 1; i > 0; i--) {
  const j = Math.floor(rnd() * (i + 1));
  [senders[i], senders[j]] = [senders[j], senders[i]];
}
const cum = new Float64Array(senders.length);
let acc = 0;
for (let k = 0; k < senders.length; k++) cum[k] = acc += 1 / (k + 1);
function pickSender() {
  const x = rnd() * acc;
  let lo = 0, hi = cum.length - 1;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (cum[mid] < x) lo = mid + 1; else hi = mid; }
  return senders[lo];
}
const receivers = P.filter((p) => p.refers && p.inShare < 0.5);

// ---------------------------------------------------------------- referrals
const patients = new Csv('patients', ['id', 'mrn', 'given', 'family', 'birth_date', 'sex', 'phone', 'language',
  'payer', 'search_key', 'created_at', 'updated_at']);
const referrals = new Csv('referrals', ['id', 'direction', 'partner_id', 'patient_id', 'urgency', 'specialty',
  'care_responsibility', 'reason', 'diagnoses', 'history', 'medications', 'allergies', 'results', 'treatment',
  'question', 'status', 'status_at', 'completeness_score', 'completeness_override', 'redirected_from', 'created_by',
  'sent_at', 'seen_at', 'closed_at', 'due_step', 'due_at', 'month', 'created_at', 'updated_at']);
const events = new Csv('referral_events', ['id', 'referral_id', 'at', 'user_id', 'on_behalf', 'from_status',
  'to_status', 'reason', 'note']);
const appointments = new Csv('appointments', ['id', 'referral_id', 'starts_at', 'status', 'location', 'note',
  'created_at', 'updated_at']);
const documents = new Csv('documents', ['id', 'referral_id', 'filename', 'content_type', 'size', 'sha256', 'data',
  'uploaded_by', 'created_at']);
const sent = new Int32Array(N_PARTNERS + 1); // referrals per partner
let patientCount = 0, referralId = 0, eventId = 0, apptId = 0, docId = 0;
const patientLang = []; // index: patient id - 1 -> 'ar' | 'en'

function newPatient(at, arabic) {
  const id = ++patientCount;
  const mrn = `MRN-${pad(id, 8)}`;
  const given = arabic ? pick(GIVEN_AR) : pick(GIVEN), family = arabic ? pick(FAMILY_AR) : pick(FAMILY);
  const born = new Date(Date.UTC(1935 + Math.floor(rnd() * 85), Math.floor(rnd() * 12), 1 + Math.floor(rnd() * 28)));
  patients.row([id, mrn, given, family, born.toISOString().slice(0, 10), pick(['female', 'male', 'female', 'male', 'unknown']),
    arabic ? `+966 5${Math.floor(rnd() * 10)} 555 ${pad(Math.floor(rnd() * 10000), 4)}` : `+1 217 555 ${pad(Math.floor(rnd() * 10000), 4)}`,
    arabic ? 'ar' : chance(0.1) ? 'es' : 'en', pick(arabic ? PAYERS_SA : PAYERS_US), fold(`${given} ${family} ${mrn}`), at, at]);
  patientLang.push(arabic ? 'ar' : 'en');
  return id;
}

// Days of the period, weighted: weekdays, season, growth.
const days = Math.floor((NOW - START) / DAY);
const dayWeight = new Float64Array(days);
let wsum = 0;
for (let d = 0; d < days; d++) {
  const t = START + d * DAY, date = new Date(t * 1000), m = date.getUTCMonth() + 1, wd = date.getUTCDay();
  let w = wd === 0 ? 0.08 : wd === 6 ? 0.15 : 1;
  w *= m === 7 || m === 8 ? 0.65 : m === 12 && date.getUTCDate() > 18 ? 0.5 : m === 1 || m === 3 ? 1.1 : 1;
  w *= 1 + (0.25 * d) / days;
  dayWeight[d] = w;
  wsum += w;
}

const { coordinator, clinician } = USERS;
const CLOSING = new Set(['completed', 'declined', 'redirected', 'cancelled', 'expired', 'failed', 'entered_in_error']);

// One referral and everything that happened to it, up to NOW.
function referral(created, sender, opts = {}) {
  const id = ++referralId;
  const inbound = opts.direction ? opts.direction === 'inbound' : rnd() < sender.inShare;
  const c = opts.case ?? pick(CASES);
  const u = rnd();
  const urgency = opts.urgency ?? (u < 0.8 ? 'routine' : u < 0.95 ? 'urgent' : 'emergent');
  const specialty = opts.specialty !== undefined ? opts.specialty : inbound ? (chance(0.6) ? c[4] : null) : sender.specialty;
  const arabic = sender.sa ? chance(0.8) : chance(0.05);
  const patientId = opts.patient ?? (patientCount > 100 && chance(0.3) ? 1 + Math.floor(rnd() * patientCount) : newPatient(created, arabic));
  const packet = opts.packet ?? {
    reason: c[0], diagnoses: JSON.stringify([c[1]]), history: c[2], medications: pick(MEDICATIONS),
    allergies: pick(ALLERGIES), results: chance(0.6) ? pick(RESULTS) : null,
    treatment: chance(0.3) ? pick(TREATMENTS) : null, question: c[3],
  };
  const present = new Set(['reason', 'diagnoses', 'history', 'medications', 'allergies', 'question']);
  if (packet.results) present.add('results');
  if (packet.treatment) present.add('treatment');
  const care = opts.care ?? (u < 0.85 ? 'consult' : u < 0.95 ? 'co_management' : 'transfer');
  // Our side: the coordinator records the sender's steps of an outbound
  // referral and the partner's steps on its behalf; on an inbound one the
  // clinician makes the decisions (referrals.decide).
  const decider = inbound ? clinician : coordinator;
  const ev = [], appts = [];
  let status = null, statusAt = created, sentAt = null, seenAt = null, closedAt = null, updatedAt = created;
  let override = 0, docs = 0;
  const state = { stopped: false };
  function move(to, at, user, behalf, reason = null, note = null) {
    if (state.stopped || at > NOW) { state.stopped = true; return false; }
    ev.push([++eventId, id, at, user, behalf ? 1 : 0, status, to, reason, note]);
    if (to === 'sent' && sentAt === null) sentAt = at;
    if (to === 'seen' && status !== 'completed') seenAt = at;
    closedAt = CLOSING.has(to) ? at : null;
    status = to;
    statusAt = updatedAt = at;
    return true;
  }
  const book = (starts, at) => { const a = [++apptId, id, starts, 'booked', pick(LOCATIONS), null, at, at]; appts.push(a); return a; };
  const outcome = (a, s, at) => { a[3] = s; a[7] = at; };
  const recipientBehalf = !inbound; // outbound: the partner's steps recorded for it
  const urgent = urgency !== 'routine';

  // Creation (src/api/referrals.c referral_insert).
  let t = created;
  if (opts.redirectedFrom) {
    ev.push([++eventId, id, t, clinician, 0, null, 'sent', null, `redirected from referral ${opts.redirectedFrom}`]);
    status = 'sent'; sentAt = t;
  } else if (inbound) {
    ev.push([++eventId, id, t, coordinator, 1, null, 'sent', null, 'received from the partner']);
    status = 'sent'; sentAt = t;
  } else {
    ev.push([++eventId, id, t, coordinator, 0, null, 'draft', null, null]);
    status = 'draft';
  }
  const child = [];
  const fate = rnd();
  (() => {
    if (status === 'draft') {
      if (NOW - created < 14 * DAY && fate < 0.08) return; // a draft still being prepared
      if (fate > 0.997) { move('cancelled', t + delay(0.5), coordinator, false); return; }
      t += Math.max(600, delay(0.3));
      const s = score(specialty, present);
      let note = null;
      if (s < 70) { override = 1; note = `Sent with an incomplete packet (${s}%)`; }
      if (!move('sent', t, coordinator, false, null, note)) return;
      if (fate < 0.005) { move('entered_in_error', t + 600, coordinator, false, null, 'Duplicate of an earlier referral for the same patient'); return; }
    }
    if (fate < 0.02) { // nobody answered: the expiry job's move after 30 days
      move('expired', t + 30 * DAY + Math.floor(between(0, 3600)), null, false, 'no_action', 'No action within the validity window');
      return;
    }
    if (fate < 0.045) { move('cancelled', t + delay(1.5), coordinator, inbound, null, 'Patient chose another provider'); return; }
    t += Math.min(20 * DAY, urgent ? Math.max(300, delay(0.08, 1)) : Math.max(600, delay(1.0, 0.9)));
    if (!move('received', t, inbound ? coordinator : coordinator, recipientBehalf)) return;
    if (inbound && fate < 0.055) {
      t += 3600;
      const to = pick(receivers);
      if (move('redirected', t, clinician, false, null, 'Forwarded to a colleague better placed to see this patient.')) {
        child.push([t, to]);
        // the parent's row is written before the child's
      }
      return;
    }
    if (fate < 0.13) { move('declined', t + delay(0.5), decider, recipientBehalf, ...pick(DECLINE)); return; }
    if (fate < 0.18) {
      t += 7200;
      if (!move('info_requested', t, decider, recipientBehalf, null, 'Please send the latest blood results and imaging report.')) return;
      t += Math.min(25 * DAY, delay(2));
      if (!move('received', t, decider, recipientBehalf)) return;
    }
    t += urgent ? Math.max(600, delay(0.1)) : Math.max(1800, delay(0.7));
    if (!move('accepted', t, decider, recipientBehalf)) return;
    if (fate > 0.18 && fate < 0.23) {
      t += 1800;
      if (!move('waitlisted', t, decider, recipientBehalf, null, 'No capacity this month; first free slot expected in three weeks.')) return;
      t += delay(14, 0.5);
    } else {
      t += urgent ? Math.max(900, delay(0.3)) : delay(2.5, 0.6);
    }
    let starts = t + (urgency === 'emergent' ? delay(0.5, 0.5) : urgency === 'urgent' ? delay(3, 0.5) : delay(14, 0.6));
    if (!move('scheduled', t, coordinator, recipientBehalf, null, 'appointment booked')) return;
    let appt = book(starts, t);
    if (fate > 0.92 && fate < 0.975) { // a no-show, then rebooked
      if (starts + 3600 > NOW) return;
      outcome(appt, 'no_show', starts + 3600);
      if (!move('accepted', starts + 3600, decider, recipientBehalf, null, 'appointment no_show')) return;
      t = starts + DAY;
      starts = t + 7 * DAY;
      if (!move('scheduled', t, coordinator, recipientBehalf, null, 'appointment booked')) return;
      appt = book(starts, t);
    }
    if (starts > NOW) return; // the appointment is still to come
    if (fate >= 0.975 && fate < 0.99) { // a no-show, and the patient cannot be reached
      if (starts + 3600 > NOW) return;
      outcome(appt, 'no_show', starts + 3600);
      if (move('accepted', starts + 3600, decider, recipientBehalf, null, 'appointment no_show'))
        move('failed', starts + 2 * DAY, coordinator, recipientBehalf, 'unreachable', 'Patient could not be reached');
      return;
    }
    if (fate >= 0.99) { // the sender cancels; the booking is left as it was (as the API does)
      const at = Math.max(t + 3600, starts - DAY);
      if (at > NOW) return;
      move('cancelled', at, coordinator, inbound, null, 'Patient moved away');
      return;
    }
    outcome(appt, 'attended', starts);
    if (!move('seen', starts, coordinator, recipientBehalf, null, 'appointment attended')) return;
    if (fate > 0.40 && fate < 0.415) return; // the report never came back: an open loop
    t = starts + delay(4, 0.7);
    if (t > NOW) return;
    if (fate < 0.3 && chance(0.15)) docs = 1;
    move('completed', t, decider, recipientBehalf, null, 'Seen and assessed; report sent to the referring physician.');
    if (fate > 0.415 && fate < 0.418) { // re-opened to correct the report, then completed again
      t += delay(3);
      if (move('seen', t, decider, recipientBehalf, null, 'Report sent to the wrong physician; re-sending.'))
        move('completed', t + delay(0.5), decider, recipientBehalf, null, 'Report re-sent to the referring physician.');
    }
  })();
  if (docs) present.add('attachments');
  const step = STEP_OF[status];
  let dueStep = null, dueAt = null;
  if (step !== undefined) {
    const start = step === 3 ? seenAt : sentAt;
    dueStep = STEP_NAMES[step];
    dueAt = targetDue(SLA[urgency][step], start);
  }
  sent[sender.id]++;
  referrals.row([id, inbound ? 'inbound' : 'outbound', sender.id, patientId, urgency, specialty, care, packet.reason,
    packet.diagnoses, packet.history, packet.medications, packet.allergies, packet.results, packet.treatment,
    packet.question, status, statusAt, score(specialty, present), override, opts.redirectedFrom ?? null,
    opts.redirectedFrom ? clinician : coordinator, sentAt, seenAt, closedAt, dueStep, dueAt,
    opts.month ?? month(created), created, updatedAt]);
  for (const e of ev) events.row(e);
  for (const a of appts) appointments.row(a);
  if (docs) {
    const at = closedAt ?? updatedAt;
    documents.row([++docId, id, 'consult-report.txt', 'text/plain', Buffer.byteLength(REPORT), REPORT_SHA, REPORT, decider, at]);
  }
  // A redirect creates the forwarded referral: same patient and packet, to
  // the new partner, already sent, linked to this one (api_referrals_move).
  for (const [at, to] of child) {
    referral(at, to, { direction: 'outbound', redirectedFrom: id, patient: patientId, urgency, specialty, case: c,
      packet, care, month: month(created) });
  }
}

let carry = 0, made = 0;
for (let d = 0; d < days && made < N_REFERRALS; d++) {
  carry += (dayWeight[d] / wsum) * N_REFERRALS;
  let n = Math.floor(carry);
  carry -= n;
  if (d === days - 1) n = N_REFERRALS - made;
  n = Math.min(n, N_REFERRALS - made);
  const times = [];
  for (let i = 0; i < n; i++) {
    // Working hours mostly (07:00-19:00 UTC), some at any time.
    const sec = chance(0.85) ? 7 * 3600 + Math.floor(rnd() * 12 * 3600) : Math.floor(rnd() * DAY);
    times.push(START + d * DAY + sec);
  }
  times.sort((a, b) => a - b);
  for (const t of times) {
    if (t > NOW - 60) continue;
    referral(t, pickSender());
    made++;
  }
}

// ---------------------------------------------------------------- relationships
// The communication log (src/api/interactions.c): 2,000,000 at SCALE=1 over
// the same three years, mostly with the partners that send (flatter than
// their referrals: rank k gets 1/sqrt(k)), a fifth with prospects being
// courted; by the partner's owner mostly; follow-ups, requests awaiting an
// answer and their responses; 1% edited once (interaction_versions).
const N_INTERACTIONS = Math.max(100, Math.round(2_000_000 * SCALE));
const interactions = new Csv('interactions', ['id', 'partner_id', 'contact_id', 'user_id', 'kind', 'direction',
  'occurred_at', 'summary', 'follow_up_at', 'awaiting', 'responded_at', 'created_at', 'updated_at']);
const versions = new Csv('interaction_versions', ['id', 'interaction_id', 'changed_at', 'changed_by', 'previous']);
const icum = new Float64Array(senders.length);
let iacc = 0;
for (let k = 0; k < senders.length; k++) icum[k] = iacc += 1 / Math.sqrt(k + 1);
const courted = P.filter((p) => !p.archived && !p.refers && p.stage !== 'lost');
function pickInteractionPartner(t) {
  for (let tries = 0; tries < 10; tries++) {
    let p;
    if (courted.length && chance(0.2)) p = pick(courted);
    else {
      const x = rnd() * iacc;
      let lo = 0, hi = icum.length - 1;
      while (lo < hi) { const mid = (lo + hi) >> 1; if (icum[mid] < x) lo = mid + 1; else hi = mid; }
      p = senders[lo];
    }
    if (p.created <= t) return p;
  }
  return senders[0];
}
const SUMMARIES = {
  call: ['Called the office manager about scheduling delays.', 'Phoned to confirm the new referral fax number.', 'Quick call about a patient waiting for an appointment.'],
  email: ['Sent the updated referral guide and clinic hours.', 'Emailed the consult reports for last month.', 'Answered a question about insurance we accept.'],
  meeting: ['Met the practice physicians to present the heart failure clinic.', 'Quarterly review of referrals and turnaround times.'],
  visit: ['Dropped off referral pads and brochures; met the new nurse.', 'Office visit: introduced the new orthopaedic surgeon.'],
  lunch: ['Lunch-and-learn on atrial fibrillation management.', 'Lunch with the office staff; they asked for faster reports.'],
  event: ['Met at the county medical society dinner.', 'Spoke at the regional primary care conference.'],
  message: ['Portal message about a delayed consult note.', 'Message: asked for the referral form in Arabic.'],
};
const KIND_WEIGHTS = [['call', 35], ['email', 30], ['message', 10], ['visit', 10], ['meeting', 8], ['lunch', 5], ['event', 2]];
function pickKind() { let x = rnd() * 100; for (const [k, w] of KIND_WEIGHTS) { x -= w; if (x < 0) return k; } return 'call'; }
const iso = (t) => new Date(t * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
let interactionId = 0, versionId = 0, icarry = 0, imade = 0;
for (let d = 0; d < days && imade < N_INTERACTIONS; d++) {
  icarry += (dayWeight[d] / wsum) * N_INTERACTIONS;
  let n = Math.floor(icarry);
  icarry -= n;
  if (d === days - 1) n = N_INTERACTIONS - imade;
  n = Math.min(n, N_INTERACTIONS - imade);
  const times = [];
  for (let i = 0; i < n; i++) times.push(START + d * DAY + 7 * 3600 + Math.floor(rnd() * 11 * 3600));
  times.sort((a, b) => a - b);
  for (const t of times) {
    if (t > NOW - 120) continue;
    const p = pickInteractionPartner(t);
    const kind = pickKind();
    const id = ++interactionId;
    const user = chance(0.9) ? p.owner : coordinator;
    const contact = p.contacts.length && chance(0.7) ? pick(p.contacts) : null;
    const direction = kind === 'event' || chance(0.65) ? 'outbound' : 'inbound';
    const follow = chance(0.2) ? t + Math.floor(between(3, 21) * DAY) : null;
    let awaiting = null, responded = null;
    if (chance(0.12)) {
      awaiting = chance(0.6) ? 'them' : 'us';
      const r = t + Math.max(600, delay(awaiting === 'us' ? 0.5 : 1.5, 1));
      if (r <= NOW && chance(0.92)) responded = r;
    }
    const createdAt = Math.min(NOW - 60, t + Math.floor(rnd() * 7200));
    const summary = pick(SUMMARIES[kind]);
    let updatedAt = createdAt;
    if (chance(0.01)) {
      const changed = Math.min(NOW - 30, createdAt + Math.floor(rnd() * 2 * DAY));
      const previous = { id, partner_id: p.id, contact_id: contact, user_id: user, kind, direction, occurred_at: iso(t),
        summary: `(draft) ${summary}`, follow_up_at: follow ? iso(follow) : null, awaiting, responded_at: null,
        created_at: iso(createdAt), updated_at: iso(createdAt) };
      versions.row([++versionId, id, changed, user, JSON.stringify(previous)]);
      updatedAt = changed;
    }
    interactions.row([id, p.id, contact, user, kind, direction, t, summary, follow, awaiting, responded, createdAt, updatedAt]);
    imade++;
  }
}

// Goals and commitments (src/api/goals.c, commitments.c): a few per partner
// that sends; commitments kept, late, cancelled or open, some overdue.
const goals = new Csv('goals', ['id', 'partner_id', 'side', 'title', 'status', 'target_on', 'notes', 'created_at', 'updated_at']);
const commitments = new Csv('commitments', ['id', 'partner_id', 'referral_id', 'goal_id', 'owner_id', 'promised_by',
  'title', 'due_on', 'status', 'done_at', 'created_at', 'updated_at']);
let goalId = 0, commitmentId = 0;
const day = (t) => iso(t).slice(0, 10);
for (const p of P) {
  if (p.archived) continue;
  for (let g = 0, ng = p.refers ? Math.floor(rnd() * 3) : chance(0.3) ? 1 : 0; g < ng; g++) {
    const c = Math.floor(between(Math.max(p.created, START), NOW - DAY));
    const status = pick(['open', 'in_progress', 'met', 'dropped', 'open']);
    goals.row([++goalId, p.id, pick(['theirs', 'ours', 'shared']), pick(['Referral reports back within 7 days', 'Two new-patient cardiology slots a week',
      'Grow orthopaedic referrals by 20%', 'Arabic-speaking coordinator for their families']), status,
    chance(0.7) ? day(c + Math.floor(between(30, 365)) * DAY) : null, chance(0.3) ? 'Agreed at the quarterly review.' : null, c,
    status === 'open' ? c : Math.min(NOW - 60, c + Math.floor(between(1, 120) * DAY))]);
  }
  for (let k = 0, nk = p.refers ? Math.floor(rnd() * 9) : chance(0.2) ? 1 : 0; k < nk; k++) {
    const c = Math.floor(between(Math.max(p.created, START), NOW - DAY));
    const due = c + Math.floor(between(2, 45) * DAY);
    let status = 'open', doneAt = null, updated = c;
    if (due < NOW - DAY) {
      const x = rnd();
      if (x < 0.8) { status = 'done'; doneAt = Math.min(NOW - 60, due + Math.floor((chance(0.8) ? -between(0, 10) : between(0, 10)) * DAY)); if (doneAt < c) doneAt = c + 3600; updated = doneAt; }
      else if (x < 0.88) { status = 'cancelled'; updated = Math.min(NOW - 60, due); }
    }
    commitments.row([++commitmentId, p.id, null, null, p.owner, chance(0.6) ? 'us' : 'partner',
      pick(['Send the consult reports for last month', 'Confirm the new fax number', 'Book the lunch-and-learn',
        'Share the orthopaedic referral criteria', 'Call back about the waiting list']), day(due), status, doneAt, c, updated]);
  }
}

// ---------------------------------------------------------------- manifest
const tables = [partners, stages, contacts, patients, referrals, events, appointments, documents, interactions,
  versions, goals, commitments].map((c) => c.close());
let busiest = 1;
for (let i = 1; i <= N_PARTNERS; i++) if (sent[i] > sent[busiest]) busiest = i;
const ranked = Array.from(sent.slice(1)).sort((a, b) => b - a);
const top1pc = ranked.slice(0, Math.max(1, Math.round(N_PARTNERS / 100))).reduce((x, y) => x + y, 0);
const manifest = {
  scale: SCALE, seed: SEED, now: NOW, tables, users: USERS,
  busiest_partner: { id: busiest, referrals: sent[busiest] },
  senders: ranked.filter((n) => n > 0).length,
  top_1pc_share: Number((top1pc / referralId).toFixed(3)),
};
writeFileSync(join(OUT, 'manifest.json'), JSON.stringify(manifest, null, 2));
const summary = tables.map((t) => `${t.table} ${t.rows}`).join(', ');
console.log(`gen: ${summary}`);
