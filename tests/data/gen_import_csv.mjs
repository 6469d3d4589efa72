// Generates CSV files for `liaison import`: realistic partners and referrals,
// deterministic (a seeded generator), for the import tests and the speed
// measurement in docs/import.md.
//   node tests/data/gen_import_csv.mjs partners N FILE
//   node tests/data/gen_import_csv.mjs referrals N FILE [PARTNERS]
// Referrals name partners 1..PARTNERS (default 500) by id, so import the
// partners file into an empty database first.
import { openSync, writeSync, closeSync } from 'node:fs';

let seed = 0x5eed1a15n;
function rnd() { // xorshift64*, as the demo loader
  seed ^= seed >> 12n; seed ^= (seed << 25n) & 0xffffffffffffffffn; seed ^= seed >> 27n;
  return Number(((seed * 2685821657736338717n) & 0xffffffffffffffffn) >> 11n) / 9007199254740992;
}
const pick = (a) => a[Math.floor(rnd() * a.length)];

// An NPI with a correct check digit (Luhn over 80840 + nine digits).
export function npi(n) {
  const body = String(100000000 + n).slice(-9);
  const digits = ('80840' + body).split('').map(Number);
  let sum = 0;
  for (let i = digits.length - 1, dbl = true; i >= 0; i--, dbl = !dbl) {
    let d = digits[i];
    if (dbl) { d *= 2; if (d > 9) d -= 9; }
    sum += d;
  }
  return body + String((10 - (sum % 10)) % 10);
}

const q = (s) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
const givenEn = ['James', 'Mary', 'Robert', 'Patricia', 'Michael', 'Linda', 'David', 'Elizabeth', 'William', 'Susan'];
const familyEn = ['Smith', 'Johnson', 'Brown', 'Garcia', 'Miller', 'Davis', 'Wilson', 'Moore', 'Taylor', 'Anderson'];
const givenAr = ['محمد', 'فاطمة', 'عبدالله', 'نورة', 'خالد', 'سارة', 'أحمد', 'ريم'];
const familyAr = ['العتيبي', 'القحطاني', 'الغامدي', 'الدوسري', 'الشهري', 'الزهراني'];
const specialties = ['Cardiology', 'Orthopaedics', 'Oncology', 'Neurology', 'Endocrinology', 'Pulmonology'];
const cases = [
  ['Exertional chest pain', 'I20.9;I10', 'Hypertension for 10 years; ex-smoker.', 'Please assess for angiography.'],
  ['Palpitations and dizziness', 'R00.2', 'Episodes for three months, worse with caffeine.', 'Holter, please.'],
  ['Knee pain after a fall', 'M25.561', 'Twisting injury six weeks ago.', 'Is arthroscopy indicated?'],
  ['Type 2 diabetes, poor control', 'E11.65', 'HbA1c 9.8% despite metformin.', 'Please advise on insulin start.'],
  ['Low back pain with sciatica', 'M54.41', 'Eight weeks of pain radiating to the left leg.', 'Imaging advice.'],
];
const statuses = ['sent', 'received', 'accepted', 'scheduled', 'seen', 'completed', 'declined', 'cancelled'];

function write(file, header, n, row) {
  const fd = openSync(file, 'w');
  let chunk = header + '\r\n';
  for (let i = 1; i <= n; i++) {
    chunk += row(i) + '\r\n';
    if (chunk.length > 1 << 20) { writeSync(fd, chunk); chunk = ''; }
  }
  writeSync(fd, chunk);
  closeSync(fd);
}

const [kind, nArg, file, pArg] = process.argv.slice(2);
const n = Number(nArg);
if (!['partners', 'referrals'].includes(kind) || !(n >= 0) || !file) {
  console.error('usage: gen_import_csv.mjs partners|referrals N FILE [PARTNERS]');
  process.exit(2);
}
if (kind === 'partners') {
  write(file, 'name,kind,specialty,npi,phone,city,country,languages,payers,in_network,stage', n, (i) => {
    const ar = i % 3 === 1;
    const name = ar ? `د. ${pick(givenAr)} ${pick(familyAr)}` : `Dr. ${pick(givenEn)} ${pick(familyEn)} ${i}`;
    return [q(name), 'physician', pick(specialties), npi(i), `+966 11 555 ${String(i % 10000).padStart(4, '0')}`,
      ar ? 'الرياض' : 'Riyadh', 'SA', ar ? 'ar;en' : 'en', 'Bupa;Tawuniya', i % 4 ? 'true' : 'false', 'active'].join(',');
  });
} else {
  const partners = Number(pArg || 500);
  const patients = Math.max(1, Math.floor(n * 0.4));
  const t0 = Date.UTC(2024, 0, 1) / 1000, span = 2 * 365 * 86400;
  write(file, 'direction,partner_id,patient_mrn,patient_given,patient_family,patient_birth_date,patient_sex,' +
    'patient_phone,patient_language,patient_payer,urgency,reason,diagnoses,status,created_at,history,question', n, () => {
    const p = 1 + Math.floor(rnd() * rnd() * partners); // a few partners send most
    const m = Math.floor(rnd() * patients);
    const ar = m % 3 === 1;
    const c = pick(cases);
    const u = rnd();
    const created = new Date((t0 + Math.floor(rnd() * span)) * 1000).toISOString().slice(0, 19) + 'Z';
    const y = 1940 + (m % 70), mo = 1 + (m % 12), d = 1 + (m % 28);
    return [rnd() < 0.6 ? 'inbound' : 'outbound', p, `MRN${String(m).padStart(8, '0')}`,
      ar ? givenAr[m % givenAr.length] : givenEn[m % givenEn.length],
      ar ? familyAr[m % familyAr.length] : familyEn[m % familyEn.length],
      `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`, m % 2 ? 'female' : 'male',
      `+966 5${String(m).padStart(8, '0')}`, ar ? 'ar' : 'en', m % 5 ? 'Bupa' : '',
      u < 0.8 ? 'routine' : u < 0.95 ? 'urgent' : 'emergent', q(c[0]), c[1], pick(statuses), created,
      q(c[2]), q(c[3])].join(',');
  });
}
