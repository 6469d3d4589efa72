// referral: one referral — patient, partner, direction, urgency, status and
// the running service-level step; the packet and its completeness; the
// actions open to the signed-in user (exactly the server's
// allowed_transitions, each asking in a small dialog for what that move
// needs); the appointments (with their outcomes while the referral is
// scheduled); the documents (download and upload); who has it (assignee and
// receiving clinician, changed in a dialog by those with referrals.assign);
// and the timeline, rendered from event codes (moves and assignments).
import * as api from './api.js';
import { h, replace, setText, bdi, uid } from './dom.js';
import { setTitle, iso, t, languageName } from './i18n.js';
import {
  field, badge, enumText, overdueBadge, personName, dateTime, dateOnly, fileSize, dlRow, loadingState, errorState,
  formAlert, clearErrors, showFormError, markInvalid, announce, canWriteReferrals, canAssignReferrals,
  CLOSED_STATUSES, PACKET_FIELDS, ASSIGNEE_ROLES, RECEIVING_ROLES,
} from './ui.js';
import { userLabel, eligibleUsers } from './users.js';
import { meter, checklistKey } from './completeness.js';
import { loadPartnerOptions } from './referrals.js';

const MAX_UPLOAD = 10 * 1024 * 1024;

// The button label of a move: most follow the target, the re-openings and
// the return to "accepted" for rebooking depend on where it starts.
export function moveKey(from, to) {
  if (to === 'received' && from === 'declined') return 'move.reopen';
  if (to === 'seen' && from === 'completed') return 'move.reopen';
  if (to === 'received' && from === 'info_requested') return 'move.resume';
  if (to === 'accepted' && from === 'scheduled') return 'move.rebook';
  return `move.${to}`;
}

// The usual next step from a state, shown as the primary button.
const FORWARD = { draft: 'sent', sent: 'accepted', received: 'accepted', info_requested: 'received', accepted: 'scheduled', waitlisted: 'scheduled', scheduled: 'seen', seen: 'completed' };
const isForward = (from, to) => FORWARD[from] === to;

// What a move asks for: note required? reason? appointment? partner?
function moveNeeds(from, to) {
  return {
    reason: to === 'declined',
    noteRequired: to === 'info_requested' || (to === 'received' && from === 'declined') || (to === 'seen' && from === 'completed'),
    outcome: to === 'completed',
    appointment: to === 'scheduled',
    redirect: to === 'redirected',
    send: to === 'sent',
    danger: to === 'cancelled' || to === 'entered_in_error' || to === 'declined' || to === 'failed',
  };
}

// A local date-time for <input type="datetime-local"> from an RFC 3339 time.
function toLocalInput(isoTime) {
  const d = isoTime ? new Date(isoTime) : null;
  if (!d || Number.isNaN(d.getTime())) return '';
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

// RFC 3339 UTC (no fraction) from a datetime-local value, or '' when empty.
function fromLocalInput(v) {
  if (!v) return '';
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) return v;
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// A modal form dialog. build(form) adds the fields; submit(form) does the
// work and returns true to close. Resolves when it closes.
function formDialog({ title, titleVars, subtitle, intro, submitKey, danger = false, build, submit }) {
  return new Promise((resolve) => {
    const titleId = uid('dlg-title');
    const alert = formAlert();
    const button = h('button', { type: 'submit', class: ['btn', danger ? 'btn-danger' : 'btn-primary'], i18n: submitKey });
    const form = h('form', { class: 'form dialog-form', novalidate: true, method: 'dialog' }, alert);
    const dlg = h('dialog', { class: 'dialog dialog-form-wrap', 'aria-labelledby': titleId },
      h('h2', { id: titleId, i18n: title, vars: titleVars }),
      subtitle && h('p', { class: 'dialog-subtitle', i18n: subtitle }),
      intro && h('p', { class: 'muted', i18n: intro }),
      form);
    build(form);
    form.append(h('div', { class: 'dialog-actions' },
      h('button', { type: 'button', class: 'btn', i18n: 'action.cancel', on: { click: () => dlg.close() } }),
      button));
    let changed = false;
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearErrors(form);
      button.disabled = true;
      try {
        const ok = await submit(form);
        if (ok) { changed = true; dlg.close(); }
      } catch (err) {
        if (err.name !== 'AbortError') {
          if (err.status === 409 || err.status === 403) {
            // Refused: say so with the server's own words (and, for 409, the
            // moves open now); the page reloads when the dialog closes.
            changed = true;
            const alert = form.querySelector('.form-alert');
            const allowed = (err.allowed || []).map((s) => t(`status.${s}`)).join(t('list.separator'));
            setText(alert, err.status === 409 ? (allowed ? 'move.refused_conflict_allowed' : 'move.refused_conflict') : 'move.refused_forbidden',
              { message: iso(err.message), allowed: iso(allowed) });
            alert.hidden = false;
            alert.focus();
          } else showFormError(form, err, (name) => form.querySelector(`[data-field="${CSS.escape(name)}"]`));
        }
      } finally {
        button.disabled = false;
      }
    });
    const opener = document.activeElement;
    dlg.addEventListener('close', () => {
      dlg.remove();
      if (opener && opener.isConnected) opener.focus();
      resolve(changed);
    });
    document.body.append(dlg);
    dlg.showModal();
    const first = form.querySelector('input:not([type="hidden"]):not([hidden]), select, textarea');
    (first || button).focus();
  });
}

export function render(main, ctx) {
  setTitle('referral.title');
  const id = ctx.params.id;
  const live = h('div', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });
  const wrap = h('section', { class: 'page' }, loadingState());
  replace(main, wrap, live);
  const writer = canWriteReferrals(ctx.user);
  const assigner = canAssignReferrals(ctx.user);

  const backLink = () => h('p', { class: 'back' }, h('a', { href: '/referrals', i18n: 'referrals.back' }));

  async function load(focus) {
    try {
      const r = await api.get(`/referrals/${id}`, { signal: ctx.signal });
      draw(r);
      if (focus) main.querySelector('h1').focus();
    } catch (err) {
      if (err.name === 'AbortError') return;
      replace(wrap, backLink(), h('h1', { tabindex: '-1', i18n: 'referral.title' }), errorState(err, () => load(true)));
    }
  }

  function draw(r) {
    const name = personName(r.patient);
    setTitle('referral.title', name || null);
    const closed = CLOSED_STATUSES.has(r.status);
    const c = r.completeness || { score: 0, missing: [], threshold: 70 };

    // Header.
    const partnerLink = h('a', { href: `/partners/${r.partner_id}`, dir: 'auto', text: r.partner_name || `#${r.partner_id}` });
    const dueLine = r.due
      ? h('p', { class: ['due-line', r.due.overdue && 'is-overdue'] },
        h('span', { class: 'muted', i18n: 'referral.next_step' }), ' ',
        h('strong', { i18n: `step.${r.due.step}` }), ' ',
        h('span', { class: 'muted', i18n: 'referral.due_by' }), ' ',
        dateTime(r.due.at),
        r.due.overdue && [' ', overdueBadge()])
      : null;
    const head = h('div', { class: 'page-head' },
      h('div', { class: 'title-block' },
        h('h1', { tabindex: '-1' }, name ? bdi(name) : h('span', { i18n: 'referral.number', vars: { id: String(r.id) } })),
        h('p', { class: 'subtitle' },
          h('span', { i18n: r.direction === 'inbound' ? 'referral.from_partner' : 'referral.to_partner' }), ' ', partnerLink,
          r.specialty && [h('span', { class: 'sep', 'aria-hidden': 'true', text: '·' }), h('span', { dir: 'auto', text: r.specialty })]),
        h('div', { class: 'badges' },
          badge('status', r.status),
          badge('urgency', r.urgency),
          h('span', { class: 'badge badge-direction' }, enumText('direction', r.direction))),
        dueLine),
      writer && !closed && h('div', { class: 'actions' },
        h('a', { href: `/referrals/${r.id}/edit`, class: 'btn', i18n: 'referral.edit_packet' })));

    // Actions: one button per allowed transition, nothing else.
    const moves = r.allowed_transitions || [];
    const actionsCard = h('section', { class: 'card card-wide actions-card', 'aria-labelledby': 'actions-title' },
      h('h2', { id: 'actions-title', tabindex: '-1', i18n: 'referral.actions' }),
      moves.length
        ? h('div', { class: 'move-buttons' }, moves.map((mv) => {
          const needs = moveNeeds(r.status, mv.to);
          const b = h('button', { type: 'button', class: ['btn', needs.danger ? 'btn-danger-quiet' : (isForward(r.status, mv.to) ? 'btn-primary' : null)], dataset: { to: mv.to } },
            h('span', { i18n: moveKey(r.status, mv.to) }),
            mv.on_behalf && h('span', { class: 'on-behalf', i18n: 'referral.on_behalf_suffix' }));
          b.addEventListener('click', () => openMove(r, mv));
          return b;
        }))
        : h('p', { class: 'muted', i18n: 'referral.no_actions' }),
      r.redirected_to && h('p', {}, h('a', { href: `/referrals/${r.redirected_to}`, i18n: 'referral.redirected_to', vars: { id: String(r.redirected_to) } })),
      r.redirected_from && h('p', {}, h('a', { href: `/referrals/${r.redirected_from}`, i18n: 'referral.redirected_from', vars: { id: String(r.redirected_from) } })));

    // Patient.
    const p = r.patient || {};
    const patientCard = h('section', { class: 'card' },
      h('div', { class: 'card-head' },
        h('h2', { i18n: 'referral.section_patient' }),
        p.id && h('a', { href: `/patients/${p.id}`, class: 'btn btn-small', i18n: 'referral.open_patient' })),
      h('dl', { class: 'dl' },
        dlRow('patient.name', name),
        dlRow('patient.mrn', p.mrn ? h('span', { class: 'ltr', text: p.mrn }) : null),
        dlRow('patient.birth_date', dateOnly(p.birth_date)),
        dlRow('patient.sex', p.sex ? enumText('sex', p.sex) : null),
        dlRow('patient.phone', p.phone ? h('a', { href: `tel:${p.phone.replace(/[^0-9+]/g, '')}`, dir: 'ltr', text: p.phone }) : null),
        dlRow('patient.language', p.language ? h('span', { dataset: { langTag: p.language }, text: languageName(p.language) }) : null),
        dlRow('patient.payer', p.payer || '')));

    // Details.
    const detailsCard = h('section', { class: 'card' },
      h('h2', { i18n: 'referral.section_details' }),
      h('dl', { class: 'dl' },
        dlRow('referral.direction', enumText('direction', r.direction)),
        dlRow('referral.partner', h('a', { href: `/partners/${r.partner_id}`, dir: 'auto', text: r.partner_name || `#${r.partner_id}` })),
        dlRow('referral.urgency', enumText('urgency', r.urgency)),
        dlRow('referral.specialty', r.specialty || ''),
        dlRow('referral.care_responsibility', r.care_responsibility ? enumText('care', r.care_responsibility) : null),
        dlRow('referral.status', badge('status', r.status)),
        dlRow('referral.created_at', dateTime(r.created_at)),
        dlRow('referral.updated_at', dateTime(r.updated_at))));

    // Completeness (the server's).
    const m = meter();
    m.update(c, checklistKey(r.specialty), { beforeSend: r.status === 'draft' });
    const complCard = h('section', { class: 'card' }, m.el);

    // Packet.
    const pk = r.packet || {};
    const text = (key, v) => [h('h3', { i18n: key }), v
      ? h('p', { class: 'prose' }, bdi(v))
      : h('p', { class: 'muted', i18n: 'value.none' })];
    const packetCard = h('section', { class: 'card card-wide packet' },
      h('div', { class: 'card-head' },
        h('h2', { i18n: 'referral.section_packet' }),
        writer && !closed && h('a', { href: `/referrals/${r.id}/edit`, class: 'btn btn-small', i18n: 'referral.edit_packet' })),
      text('packet_item.reason', r.reason),
      h('h3', { i18n: 'packet_item.diagnoses' }),
      (r.diagnoses || []).length
        ? h('ul', { class: 'dx-list' }, (r.diagnoses_detail || r.diagnoses.map((code) => ({ code }))).map((d) =>
          h('li', {}, h('span', { class: 'chip ltr', text: d.code }),
            d.description && h('span', { class: 'dx-text', lang: 'en', dir: 'ltr', text: d.description }))))
        : h('p', { class: 'muted', i18n: 'value.none' }),
      h('div', { class: 'packet-grid' }, PACKET_FIELDS.map((k) => h('div', {}, text(`packet_item.${k}`, pk[k])))));

    const peopleCard = people(r, closed);
    const apptCard = appointments(r);
    const docCard = documents(r);
    const timelineCard = timeline(r);

    replace(wrap,
      backLink(),
      head,
      h('div', { class: 'grid' }, actionsCard, peopleCard, patientCard, detailsCard, complCard, docCard, apptCard, packetCard, timelineCard));
  }

  // A person named on the referral: their name, or "Unassigned".
  const personCell = (userId, name) => (userId ? h('span', { class: 'user-name', dir: 'auto', dataset: { userId: String(userId) }, text: name || `#${userId}` })
    : h('span', { class: 'muted', i18n: 'assign.nobody' }));

  // Who has it: the assignee and the receiving clinician.
  function people(r, closed) {
    const change = assigner && !closed
      ? h('button', { type: 'button', class: 'btn btn-small', dataset: { action: 'assign' }, i18n: 'assign.change', on: { click: () => openAssign(r) } })
      : null;
    return h('section', { class: 'card people-card', 'aria-labelledby': 'people-title' },
      h('div', { class: 'card-head' }, h('h2', { id: 'people-title', i18n: 'assign.title' }), change),
      h('dl', { class: 'dl' },
        h('dt', { i18n: 'assign.assignee' }), h('dd', { class: 'assignee' }, personCell(r.assignee_id, r.assignee_name)),
        h('dt', { i18n: 'assign.receiving_clinician' }), h('dd', { class: 'receiving-clinician' }, personCell(r.receiving_clinician_id, r.receiving_clinician_name))));
  }

  async function openAssign(r) {
    const selects = {};
    let assigned = false;
    await formDialog({
      title: 'assign.dialog_title',
      intro: 'assign.dialog_help',
      submitKey: 'assign.save',
      build(form) {
        const grid = h('div', { class: 'dialog-fields' });
        for (const [name, label, roles, current] of [
          ['assignee_id', 'assign.assignee', ASSIGNEE_ROLES, r.assignee_id],
          ['receiving_clinician_id', 'assign.receiving_clinician', RECEIVING_ROLES, r.receiving_clinician_id]]) {
          const f = field({ name, label, as: 'select', value: current ? String(current) : '', options: [['', 'assign.nobody']],
            hint: name === 'assignee_id' ? 'assign.assignee_hint' : 'assign.receiving_hint' });
          const sel = f.querySelector('select');
          selects[name] = { sel, current };
          eligibleUsers(roles, current).then((users) => {
            for (const u of users) {
              sel.append(h('option', { value: String(u.id), dir: 'auto', text: u.name, selected: u.id === current }));
            }
            sel.value = current ? String(current) : '';
          }).catch(() => {
            if (current) sel.append(h('option', { value: String(current), text: `#${current}`, selected: true }));
          });
          grid.append(f);
        }
        form.append(grid);
      },
      async submit() {
        // Only what changed is sent: the same person again is no event.
        const body = {};
        for (const [name, { sel, current }] of Object.entries(selects)) {
          const v = sel.value ? Number(sel.value) : null;
          if (v !== (current || null)) body[name] = v;
        }
        if (!Object.keys(body).length) return true;
        const updated = await api.put(`/referrals/${r.id}/assignment`, body);
        announce(live, 'assign.done');
        draw(updated);
        assigned = true;
        return true;
      },
    });
    if (assigned) {
      const b = wrap.querySelector('[data-action="assign"]');
      if (b) b.focus();
    }
  }

  // An "assigned" event: its code and parameters, in the reader's language.
  function assignedLine(e) {
    const p = e.params || {};
    const key = p.from && p.to ? 'reassigned' : p.to ? 'assigned' : 'unassigned';
    const who = (id) => (id ? userLabel(id, ctx.user) : h('span', { class: 'muted', i18n: 'assign.nobody' }));
    return h('p', { class: 'timeline-move timeline-assigned' },
      h('strong', { i18n: `event.${p.as === 'receiving_clinician' ? 'receiving_' : ''}${key}` }), ' ',
      p.from ? [who(p.from), h('span', { class: 'arrow', 'aria-hidden': 'true', text: '→' }),
        h('span', { class: 'visually-hidden', i18n: 'referral.moved_to' }), ' '] : null,
      who(p.to));
  }

  function timeline(r) {
    const events = [...(r.events || [])].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : b.id - a.id));
    return h('section', { class: 'card card-wide', 'aria-labelledby': 'timeline-title' },
      h('h2', { id: 'timeline-title', i18n: 'referral.timeline' }),
      events.length ? h('ol', { class: 'timeline' }, events.map((e) => h('li', { class: 'timeline-item', dataset: { to: e.to, kind: e.kind || 'status' } },
        h('div', { class: 'timeline-when' }, dateTime(e.at)),
        h('div', { class: 'timeline-body' },
          e.kind === 'assigned' ? assignedLine(e) : h('p', { class: 'timeline-move' },
            e.from ? [badge('status', e.from), h('span', { class: 'arrow', 'aria-hidden': 'true', text: '→' }),
              h('span', { class: 'visually-hidden', i18n: 'referral.moved_to' })] : null,
            badge('status', e.to)),
          h('p', { class: 'timeline-who' },
            e.user_name ? h('span', { i18n: 'referral.by', vars: { name: iso(e.user_name) } }) : h('span', { i18n: 'referral.by_system' }),
            e.on_behalf && [' ', h('span', { class: 'badge badge-on-behalf', i18n: 'referral.on_behalf' })]),
          e.reason && h('p', { class: 'timeline-text' }, h('span', { class: 'muted', i18n: 'referral.reason_label' }), ' ', bdi(e.reason)),
          e.note && h('p', { class: 'timeline-text prose' }, h('span', { class: 'muted', i18n: 'referral.note_label' }), ' ', bdi(e.note))))))
        : h('p', { class: 'muted', i18n: 'referral.no_events' }));
  }

  function appointments(r) {
    const list = r.appointments || [];
    const scheduled = r.status === 'scheduled';
    const open = (a) => a.status === 'booked' || a.status === 'rescheduled';
    return h('section', { class: 'card', 'aria-labelledby': 'appts-title' },
      h('h2', { id: 'appts-title', i18n: 'referral.appointments' }),
      list.length ? h('ul', { class: 'appt-list' }, [...list].reverse().map((a) => h('li', { class: 'appt', dataset: { id: String(a.id) } },
        h('div', { class: 'appt-head' }, dateTime(a.starts_at), badge('appt', a.status)),
        a.location && h('p', { class: 'appt-loc' }, bdi(a.location)),
        a.note && h('p', { class: 'muted prose' }, bdi(a.note)),
        writer && scheduled && open(a) && h('div', { class: 'appt-actions', role: 'group', 'i18n-aria-label': 'appt.actions' },
          // Attended and no-show are known only once the visit's time has
          // come: the server refuses them before it, so they are not offered.
          ['rescheduled', 'cancelled', 'no_show', 'attended'].filter((st) => (st !== 'no_show' && st !== 'attended') || Date.parse(a.starts_at) <= Date.now()).map((st) => {
            const b = h('button', { type: 'button', class: ['btn', 'btn-small', st === 'attended' ? 'btn-primary' : null], i18n: `appt.do_${st}` });
            b.addEventListener('click', () => openAppointment(r, a, st));
            return b;
          })))))
        : h('p', { class: 'muted', i18n: 'referral.no_appointments' }));
  }

  function documents(r) {
    const docs = r.documents || [];
    const card = h('section', { class: 'card', 'aria-labelledby': 'docs-title' },
      h('h2', { id: 'docs-title', i18n: 'referral.documents' }),
      docs.length ? h('ul', { class: 'doc-list' }, docs.map((d) => h('li', { class: 'doc' },
        h('a', { href: `/api/v1/documents/${d.id}`, download: d.filename, dir: 'auto', text: d.filename }),
        h('span', { class: 'muted doc-meta' }, fileSize(d.size), h('span', { class: 'sep', 'aria-hidden': 'true', text: ' · ' }), dateTime(d.created_at)))))
        : h('p', { class: 'muted', i18n: 'referral.no_documents' }));
    if (!writer || r.status === 'entered_in_error') return card;

    // The browser's own file button speaks the browser's language: a label
    // styled as a button, in the page's language, stands in for it.
    const fileId = uid('file');
    const input = h('input', { type: 'file', id: fileId, name: 'file', class: 'file-input', dataset: { field: 'file' }, 'aria-describedby': `${fileId}-hint ${fileId}-error` });
    const fileName = h('span', { class: 'file-name muted', i18n: 'referral.no_file' });
    input.addEventListener('change', () => {
      const f = input.files && input.files[0];
      if (f) { delete fileName.dataset.i18n; fileName.textContent = f.name; fileName.classList.remove('muted'); }
      else { setText(fileName, 'referral.no_file'); fileName.classList.add('muted'); }
    });
    const fileF = h('div', { class: 'field file-field' },
      input,
      h('label', { for: fileId, class: 'file-label' },
        h('span', { class: 'btn btn-small file-button' }, h('span', { class: 'label-text', i18n: 'referral.upload_file' })),
        fileName),
      h('p', { class: 'hint', id: `${fileId}-hint`, i18n: 'referral.upload_hint' }),
      h('p', { class: 'field-error', id: `${fileId}-error`, hidden: true }));
    const button = h('button', { type: 'submit', class: 'btn', i18n: 'referral.upload' });
    const progress = h('progress', { class: 'upload-progress', max: '100', value: '0', hidden: true, 'i18n-aria-label': 'referral.upload_progress' });
    const progressText = h('span', { class: 'muted upload-progress-text', role: 'status', 'aria-live': 'polite' });
    const alert = formAlert();
    const form = h('form', { class: 'form upload-form', novalidate: true }, alert, fileF,
      h('div', { class: 'form-actions' }, button, progress, progressText));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearErrors(form);
      const file = input.files && input.files[0];
      if (!file) {
        markInvalid(input, { key: 'referral.upload_choose' }).focus();
        return;
      }
      if (file.size > MAX_UPLOAD) {
        markInvalid(input, { key: 'referral.upload_too_large' }).focus();
        return;
      }
      button.disabled = true;
      progress.hidden = false;
      progress.value = 0;
      setText(progressText, 'referral.upload_percent', { percent: 0 });
      try {
        await api.upload(`/referrals/${r.id}/documents`, file, {
          signal: ctx.signal,
          onProgress: (sent, total) => {
            const pct = total ? Math.round((100 * sent) / total) : 0;
            progress.value = pct;
            setText(progressText, 'referral.upload_percent', { percent: pct });
          },
        });
        announce(live, 'referral.uploaded', { name: iso(file.name) });
        await load(false);
        const again = main.querySelector('#docs-title');
        if (again) again.closest('section').querySelector('a, input').focus();
      } catch (err) {
        if (err.name === 'AbortError') return;
        progress.hidden = true;
        progressText.textContent = '';
        if (err.status === 413) markInvalid(input, { key: 'referral.upload_too_large' }).focus();
        else showFormError(form, err, () => input);
      } finally {
        button.disabled = false;
      }
    });
    card.append(h('h3', { i18n: 'referral.upload_title' }), form);
    return card;
  }

  async function openMove(r, mv) {
    const needs = moveNeeds(r.status, mv.to);
    const belowThreshold = needs.send && r.completeness && r.completeness.score < (r.completeness.threshold ?? 70);
    let overrideField = null;
    let moved = false;
    const changed = await formDialog({
      title: moveKey(r.status, mv.to),
      subtitle: mv.on_behalf ? 'referral.on_behalf_note' : null,
      intro: moveKey(r.status, mv.to).replace('move.', 'move_help.'),
      submitKey: moveKey(r.status, mv.to),
      danger: needs.danger,
      build(form) {
        const grid = h('div', { class: 'dialog-fields' });
        if (needs.reason) grid.append(field({ name: 'reason', label: 'move_field.reason', dir: 'auto', autocomplete: 'off', hint: 'move_field.reason_hint', required: true, maxlength: 500 }));
        if (needs.appointment) {
          grid.append(field({ name: 'appointment_at', label: 'move_field.appointment_at', type: 'datetime-local', dir: 'ltr', required: true }));
          grid.append(field({ name: 'location', label: 'move_field.location', dir: 'auto', autocomplete: 'off', maxlength: 300 }));
        }
        if (needs.redirect) {
          const pf = field({ name: 'redirect_partner_id', label: 'move_field.redirect_partner', as: 'select', required: true, options: [['', 'rform.choose_partner']] });
          grid.append(pf);
          const sel = pf.querySelector('select');
          loadPartnerOptions(sel, '', ctx.signal, { blank: 'rform.choose_partner' })
            .then(() => { for (const o of sel.options) if (o.value === String(r.partner_id)) o.remove(); })
            .catch(() => {});
        }
        if (needs.send) {
          overrideField = field({ name: 'override_completeness', label: 'move_field.override', labelVars: { score: r.completeness ? r.completeness.score : 0 }, type: 'checkbox', hint: 'move_field.override_hint' });
          overrideField.hidden = !belowThreshold;
          if (belowThreshold) grid.append(h('p', { class: 'notice', i18n: 'move_field.below_threshold', vars: { score: r.completeness.score, threshold: r.completeness.threshold ?? 70 } }));
          grid.append(overrideField);
        }
        grid.append(field({
          name: 'note',
          label: needs.outcome ? 'move_field.outcome' : (needs.noteRequired ? 'move_field.note_required' : 'move_field.note'),
          as: 'textarea', rows: 3, dir: 'auto', required: needs.noteRequired,
          hint: needs.outcome ? 'move_field.outcome_hint' : null,
        }));
        form.append(grid);
      },
      async submit(form) {
        const val = (n) => {
          const el = form.querySelector(`[data-field="${n}"]`);
          return el ? (el.type === 'checkbox' ? el.checked : el.value.trim()) : '';
        };
        const body = { to: mv.to };
        if (val('note')) body.note = val('note');
        if (needs.reason && val('reason')) body.reason = val('reason');
        if (needs.appointment) {
          if (val('appointment_at')) body.appointment_at = fromLocalInput(val('appointment_at'));
          if (val('location')) body.location = val('location');
        }
        if (needs.redirect && val('redirect_partner_id')) body.redirect_partner_id = Number(val('redirect_partner_id'));
        if (needs.send && val('override_completeness') === true) body.override_completeness = true;
        try {
          const updated = await api.post(`/referrals/${r.id}/transitions`, body);
          announce(live, 'referral.moved', { status: t(`status.${updated.status}`) });
          draw(updated);
          moved = true;
          return true;
        } catch (err) {
          // The server asks for the override: show the checkbox with its message.
          if (err.status === 422 && err.field === 'override_completeness' && overrideField) overrideField.hidden = false;
          throw err;
        }
      },
    });
    if (moved) {
      const h2 = wrap.querySelector('#actions-title');
      if (h2) h2.focus();
    } else if (changed) {
      // Refused (409 or 403): the referral is not what this page showed.
      await load(false);
    }
  }

  async function openAppointment(r, a, st) {
    const changed = await formDialog({
      title: `appt.title_${st}`,
      intro: `appt.help_${st}`,
      submitKey: `appt.submit_${st}`,
      danger: st === 'cancelled' || st === 'no_show',
      build(form) {
        const grid = h('div', { class: 'dialog-fields' });
        grid.append(h('p', { class: 'appt-current' }, h('span', { class: 'muted', i18n: 'appt.current' }), ' ', dateTime(a.starts_at)));
        if (st === 'rescheduled') grid.append(field({ name: 'starts_at', label: 'appt.new_time', type: 'datetime-local', dir: 'ltr', required: true, value: toLocalInput(a.starts_at) }));
        grid.append(field({ name: 'note', label: 'move_field.note', as: 'textarea', rows: 3, dir: 'auto' }));
        form.append(grid);
      },
      async submit(form) {
        const body = { status: st };
        const note = form.querySelector('[data-field="note"]').value.trim();
        if (note) body.note = note;
        if (st === 'rescheduled') {
          const v = form.querySelector('[data-field="starts_at"]').value;
          if (!v) {
            markInvalid(form.querySelector('[data-field="starts_at"]'), { key: 'error.required' }).focus();
            return false;
          }
          body.starts_at = fromLocalInput(v);
        }
        await api.patch(`/appointments/${a.id}`, body);
        announce(live, `appt.done_${st}`);
        return true;
      },
    });
    if (changed) {
      await load(false);
      const h2 = wrap.querySelector('#appts-title');
      if (h2) h2.closest('section').querySelector('button, h2').focus();
    }
  }

  load(false);
}
