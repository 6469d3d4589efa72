// patient: one patient — demographics and the patient's referrals (list
// items, newest first), each linking to its referral.
import * as api from './api.js';
import { h, replace, bdi } from './dom.js';
import { setTitle, languageName } from './i18n.js';
import { dlRow, loadingState, errorState, emptyState, personName, enumText, dateOnly, dateTime, canReadReferrals } from './ui.js';
import { referralTable } from './referrals.js';

export function render(main, ctx) {
  setTitle('patient.title');
  const wrap = h('section', { class: 'page' }, loadingState());
  replace(main, wrap);
  const backLink = () => h('p', { class: 'back' }, h('a', { href: '/referrals', i18n: 'referrals.back' }));

  if (!canReadReferrals(ctx.user)) {
    replace(wrap, backLink(), h('h1', { tabindex: '-1', i18n: 'patient.title' }), emptyState('error.forbidden', 'patient.no_access'));
    return;
  }

  async function load(focus) {
    try {
      const p = await api.get(`/patients/${ctx.params.id}`, { signal: ctx.signal });
      draw(p);
      if (focus) main.querySelector('h1').focus();
    } catch (err) {
      if (err.name === 'AbortError') return;
      replace(wrap, backLink(), h('h1', { tabindex: '-1', i18n: 'patient.title' }), errorState(err, () => load(true)));
    }
  }

  function draw(p) {
    const name = personName(p);
    setTitle('patient.title', name || null);
    const refs = p.referrals || [];
    replace(wrap,
      backLink(),
      h('div', { class: 'page-head' },
        h('div', { class: 'title-block' },
          h('h1', { tabindex: '-1' }, bdi(name)),
          h('p', { class: 'subtitle' }, h('span', { i18n: 'patient.title' }),
            p.mrn && [h('span', { class: 'sep', 'aria-hidden': 'true', text: '·' }), h('span', { class: 'ltr', text: p.mrn })]))),
      h('div', { class: 'grid' },
        h('section', { class: 'card' },
          h('h2', { i18n: 'patient.section_details' }),
          h('dl', { class: 'dl' },
            dlRow('patient.mrn', p.mrn ? h('span', { class: 'ltr', text: p.mrn }) : null),
            dlRow('patient.given', p.given || ''),
            dlRow('patient.family', p.family || ''),
            dlRow('patient.birth_date', dateOnly(p.birth_date)),
            dlRow('patient.sex', p.sex ? enumText('sex', p.sex) : null),
            dlRow('patient.phone', p.phone ? h('a', { href: `tel:${p.phone.replace(/[^0-9+]/g, '')}`, dir: 'ltr', text: p.phone }) : null),
            dlRow('patient.language', p.language ? h('span', { dataset: { langTag: p.language }, text: languageName(p.language) }) : null),
            dlRow('patient.payer', p.payer || ''),
            p.created_at && dlRow('patient.created_at', dateTime(p.created_at)))),
        h('section', { class: 'card card-wide', 'aria-labelledby': 'patient-refs' },
          h('div', { class: 'card-head' },
            h('h2', { id: 'patient-refs', i18n: 'patient.referrals' })),
          refs.length ? referralTable(refs, ctx.user, { caption: 'patient.referrals' }) : emptyState('patient.no_referrals', null))));
  }

  load(false);
}
