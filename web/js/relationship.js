// relationship: the relationship sections of the partner page (issue #5) —
//   the relationship panel   GET /partners/{id}/relationship (next check-in
//                            and its bucket, last contact, responsiveness each
//                            way, reliability, stage history)
//   the communication log    "Log an interaction" (POST /interactions) and the
//                            partner's timeline (GET /partners/{id}/timeline)
//   goals                    theirs, shared and ours side by side with what the
//                            partner offers; add; status changeable
//   commitments              this partner's; add; "Mark done"
// partner.js builds the page and calls sections(); a change in one section
// refreshes the others that show it (a logged call moves the next check-in).
import * as api from './api.js';
import { h, replace, bdi, uid, setText } from './dom.js';
import { userLabel, fillOwnerSelect } from './users.js';
import { formatNumber, languageName, has } from './i18n.js';
import {
  field, enumOptions, badge, overdueBadge, loadingState, errorState, emptyState, announce, formAlert, clearErrors,
  showFormError, markInvalid, dateTime, dateOnly, enumText, canListReferrals, canReadReferrals,
} from './ui.js';

export const INTERACTION_KINDS = ['call', 'email', 'meeting', 'visit', 'lunch', 'event', 'message'];
export const GOAL_SIDES = ['theirs', 'shared', 'ours'];
export const GOAL_STATUSES = ['open', 'in_progress', 'met', 'dropped'];

const pad = (n) => String(n).padStart(2, '0');
// The value of a datetime-local input for a Date, in local time, to the minute.
function localInputValue(d) {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
const rfc3339 = (d) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
const localYmd = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
const todayYmd = () => localYmd(new Date());

// Can this user change this partner's relationship records? (docs/api.md:
// a liaison changes only the partners they own.)
export function canChange(user, p) {
  if (!user || p.archived) return false;
  if (['admin', 'manager', 'coordinator'].includes(user.role)) return true;
  return user.role === 'liaison' && p.owner_id === user.id;
}

// Builds the four sections; returns {cards, setContacts} — partner.js places
// the cards and tells the log form the partner's contacts when they change.
export function sections(p, ctx, live) {
  const writable = canChange(ctx.user, p);
  const relCard = h('section', { class: 'card rel-card', 'aria-labelledby': 'rel-title' });
  const logCard = h('section', { class: 'card card-wide log-card', 'aria-labelledby': 'log-title' });
  const goalsCard = h('section', { class: 'card card-wide goals-card', 'aria-labelledby': 'goals-title' });
  const commitCard = h('section', { class: 'card card-wide commitments-card', 'aria-labelledby': 'commit-title' });
  const opts = { signal: ctx.signal };

  // ---- Relationship panel ----
  const relBody = h('div', {}, loadingState());
  replace(relCard, h('h2', { id: 'rel-title', i18n: 'rel.title' }), relBody);

  async function loadRelationship() {
    try {
      const r = await api.get(`/partners/${p.id}/relationship`, opts);
      drawRelationship(r);
    } catch (err) {
      if (err.name !== 'AbortError') replace(relBody, errorState(err, loadRelationship));
    }
  }

  function median(x) {
    if (!x || !x.count || x.median_hours == null) return h('span', { class: 'muted', i18n: 'rel.not_measured' });
    return h('span', { i18n: 'rel.median', vars: { count: x.count, hours: formatNumber(Math.round(x.median_hours * 10) / 10) } });
  }

  function drawRelationship(r) {
    const c = r.checkin || {};
    const rs = r.responsiveness || {};
    const rel = r.reliability || {};
    const next = c.next_at
      ? h('span', { class: 'rel-next' }, dateTime(c.next_at), ' ', c.bucket && c.bucket !== 'none' ? badge('bucket', c.bucket) : null)
      : h('span', { class: 'muted', i18n: 'rel.no_checkin' });
    const stages = r.stages || [];
    replace(relBody,
      h('dl', { class: 'dl' },
        h('dt', { i18n: 'rel.next_checkin' }), h('dd', { class: 'rel-checkin', dataset: { bucket: c.bucket || 'none' } }, next),
        h('dt', { i18n: 'rel.last_contact' }), h('dd', {}, c.last_interaction_at ? dateTime(c.last_interaction_at) : h('span', { class: 'muted', i18n: 'rel.never' })),
        h('dt', { i18n: 'partner.checkin_days' }), h('dd', { class: 'rel-cadence' },
          c.cadence_days ? h('span', { i18n: 'partner.checkin_every', vars: { count: c.cadence_days } }) : h('span', { class: 'muted', i18n: 'value.none' }),
          p.checkin_days == null && p.stage !== 'lost' && [' ', h('span', { class: 'muted', i18n: 'partner.checkin_stage_default' })]),
        h('dt', { i18n: 'rel.responsiveness' }),
        h('dd', { class: 'rel-resp' },
          h('span', { class: 'rel-line rel-ours' }, h('span', { class: 'muted', i18n: 'rel.ours' }), ' ', median(rs.ours)),
          h('span', { class: 'rel-line rel-theirs' }, h('span', { class: 'muted', i18n: 'rel.theirs' }), ' ', median(rs.theirs))),
        h('dt', { i18n: 'rel.reliability' }),
        h('dd', { class: 'rel-reliability' }, rel.due
          ? h('span', { i18n: 'rel.reliability_value', vars: { percent: rel.percent ?? 0, kept: rel.kept_on_time ?? 0, due: rel.due } })
          : h('span', { class: 'muted', i18n: 'rel.not_measured' }))),
      h('h3', { i18n: 'rel.stages' }),
      stages.length
        ? h('ol', { class: 'stage-history' }, stages.map((s) => h('li', {},
          s.from && [badge('stage', s.from), h('span', { class: 'arrow', 'aria-hidden': 'true', text: '→' })],
          badge('stage', s.to), ' ', h('span', { class: 'muted' }, dateTime(s.at)))))
        : h('p', { class: 'muted', i18n: 'rel.no_stages' }));
  }

  // ---- Communication log: form (log a new one, or edit one) and timeline ----
  const timelineBody = h('div', { class: 'ptimeline-wrap' }, loadingState());
  let contactSel = null;
  let logForm = null;
  let contacts = [];
  let startEdit = null; // (interaction id) => opens the form on that interaction
  if (writable) {
    const kindF = field({ name: 'kind', label: 'log.kind', as: 'select', value: 'call', options: enumOptions('interaction_kind', INTERACTION_KINDS) });
    const dirF = field({ name: 'direction', label: 'log.direction', as: 'select', value: 'outbound', options: enumOptions('direction', ['outbound', 'inbound']) });
    const contactF = field({ name: 'contact_id', label: 'log.contact', as: 'select', value: '', options: [['', 'log.no_contact']] });
    const whenF = field({ name: 'occurred_at', label: 'log.occurred_at', type: 'datetime-local', required: true });
    const summaryF = field({ name: 'summary', label: 'log.summary', as: 'textarea', dir: 'auto', rows: 3, class: 'span-2', required: true });
    const followF = field({ name: 'follow_up_at', label: 'log.follow_up', type: 'date', hint: 'log.hint_follow_up' });
    const awaitF = field({ name: 'awaiting', label: 'log.awaiting', as: 'select', value: '', options: [['', 'awaiting.none'], ['us', 'awaiting.us'], ['them', 'awaiting.them']] });
    // Only when editing: when the request was answered.
    const answeredF = field({ name: 'responded_at', label: 'log.responded_at', type: 'datetime-local', hint: 'log.hint_responded' });
    answeredF.hidden = true;
    contactSel = contactF.querySelector('select');
    const whenInput = whenF.querySelector('input');
    const followInput = followF.querySelector('input');
    const answeredInput = answeredF.querySelector('input');
    const resetWhen = () => { whenInput.value = localInputValue(new Date()); whenInput.max = localInputValue(new Date(Date.now() + 60000)); };
    resetWhen();
    const title = h('h3', { id: 'log-form-title', i18n: 'log.title' });
    const save = h('button', { type: 'submit', class: 'btn btn-primary', i18n: 'log.save' });
    const cancel = h('button', { type: 'button', class: 'btn btn-quiet', i18n: 'action.cancel', hidden: true });
    logForm = h('form', { id: 'log-form', class: 'form log-form', novalidate: true, 'aria-labelledby': 'log-form-title' },
      title,
      formAlert(),
      h('div', { class: 'form-grid log-grid' }, kindF, dirF, contactF, whenF, summaryF, followF, awaitF, answeredF),
      h('div', { class: 'form-actions' }, save, cancel));
    const val = (f) => f.querySelector('input,select,textarea').value.trim();
    const set = (f, v) => { f.querySelector('input,select,textarea').value = v ?? ''; };
    let editing = null; // {record, initial: {field: input value}} while editing
    let opener = null;

    const stopEdit = (focusBack) => {
      editing = null;
      logForm.reset();
      clearErrors(logForm);
      resetWhen();
      answeredF.hidden = true;
      logForm.classList.remove('is-editing');
      setText(title, 'log.title');
      setText(save, 'log.save');
      cancel.hidden = true;
      if (focusBack && opener && opener.isConnected) opener.focus();
      opener = null;
    };
    cancel.addEventListener('click', () => stopEdit(true));

    startEdit = async (id, button) => {
      opener = button;
      try {
        const ix = await api.get(`/interactions/${id}`, opts);
        clearErrors(logForm);
        set(kindF, ix.kind);
        set(dirF, ix.direction);
        if (ix.contact_id && !contacts.some((c) => c.id === ix.contact_id)) contactSel.append(h('option', { value: String(ix.contact_id), text: `#${ix.contact_id}` }));
        set(contactF, ix.contact_id ? String(ix.contact_id) : '');
        whenInput.max = '';
        set(whenF, localInputValue(new Date(ix.occurred_at)));
        set(summaryF, ix.summary);
        set(followF, ix.follow_up_at ? localYmd(new Date(ix.follow_up_at)) : '');
        set(awaitF, ix.awaiting || '');
        set(answeredF, ix.responded_at ? localInputValue(new Date(ix.responded_at)) : '');
        answeredF.hidden = false;
        editing = { record: ix, initial: { occurred_at: whenInput.value, follow_up_at: followInput.value, responded_at: answeredInput.value } };
        logForm.classList.add('is-editing');
        setText(title, 'log.edit_title');
        setText(save, 'log.save_changes');
        cancel.hidden = false;
        logForm.scrollIntoView({ block: 'start' });
        summaryF.querySelector('textarea').focus();
      } catch (err) {
        if (err.name !== 'AbortError') announce(live, 'error.generic');
      }
    };

    // A follow-up date is due at 09:00 local time that day (not before the interaction).
    const followAt = (occurred) => {
      const f = new Date(`${val(followF)}T09:00`);
      return rfc3339(f < occurred && val(followF) >= whenInput.value.slice(0, 10) ? occurred : f);
    };

    logForm.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearErrors(logForm);
      if (!whenInput.value) { markInvalid(whenInput, { key: 'error.required' }).focus(); return; }
      if (!val(summaryF)) { markInvalid(summaryF.querySelector('textarea'), { key: 'error.required' }).focus(); return; }
      const occurred = new Date(whenInput.value);
      let body;
      if (editing) {
        // Only what changed, so the history says exactly what was edited.
        const r = editing.record;
        body = {};
        if (val(kindF) !== r.kind) body.kind = val(kindF);
        if (val(dirF) !== r.direction) body.direction = val(dirF);
        const cid = val(contactF) ? Number(val(contactF)) : null;
        if (cid !== r.contact_id) body.contact_id = cid;
        if (whenInput.value !== editing.initial.occurred_at) body.occurred_at = rfc3339(occurred);
        if (val(summaryF) !== r.summary) body.summary = val(summaryF);
        if (followInput.value !== editing.initial.follow_up_at) body.follow_up_at = val(followF) ? followAt(occurred) : null;
        if ((val(awaitF) || null) !== r.awaiting) body.awaiting = val(awaitF) || null;
        if (answeredInput.value !== editing.initial.responded_at) body.responded_at = answeredInput.value ? rfc3339(new Date(answeredInput.value)) : null;
        if (!Object.keys(body).length) { stopEdit(true); return; }
      } else {
        body = { partner_id: p.id, kind: val(kindF), direction: val(dirF), occurred_at: rfc3339(occurred) };
        if (val(contactF)) body.contact_id = Number(val(contactF));
        if (val(summaryF)) body.summary = val(summaryF);
        if (val(followF)) body.follow_up_at = followAt(occurred);
        if (val(awaitF)) body.awaiting = val(awaitF);
      }
      save.disabled = true;
      try {
        if (editing) {
          await api.patch(`/interactions/${editing.record.id}`, body);
          const id = editing.record.id;
          stopEdit(false);
          announce(live, 'log.updated');
          await Promise.all([loadTimeline(), loadRelationship()]);
          const back = timelineBody.querySelector(`.timeline-item[data-interaction-id="${id}"] .ix-edit`);
          if (back) back.focus();
        } else {
          await api.post('/interactions', body);
          logForm.reset();
          resetWhen();
          announce(live, 'log.saved');
          await Promise.all([loadTimeline(), loadRelationship()]);
        }
      } catch (err) {
        if (err.name !== 'AbortError') showFormError(logForm, err);
      } finally {
        save.disabled = false;
      }
    });
  }
  replace(logCard,
    h('h2', { id: 'log-title', i18n: 'log.section' }),
    logForm,
    h('h3', { i18n: 'timeline.title' }),
    timelineBody);

  function setContacts(items) {
    contacts = items;
    if (!contactSel) return;
    const keep = contactSel.value;
    replace(contactSel, h('option', { value: '', i18n: 'log.no_contact' }),
      items.map((c) => h('option', { value: String(c.id), dir: 'auto', text: c.name, selected: String(c.id) === keep })));
  }

  async function loadTimeline() {
    try {
      const data = await api.get(`/partners/${p.id}/timeline`, opts);
      const items = data.items || [];
      if (!items.length) {
        replace(timelineBody, emptyState('timeline.empty', writable ? 'timeline.empty_hint' : null));
        return;
      }
      replace(timelineBody, h('ol', { class: 'timeline ptimeline' }, items.map(timelineItem)));
    } catch (err) {
      if (err.name !== 'AbortError') replace(timelineBody, errorState(err, loadTimeline));
    }
  }

  // Timeline items are {kind, at, id, title, detail, user_id}: for an
  // interaction title is its kind and detail its summary; for a stage move
  // title is the new stage and detail the previous one; for a goal title is
  // its status and detail its title; for a referral event title is the
  // referral's status; for a record event title is archived or restored.
  function timelineItem(x) {
    const known = (prefix, v) => v && has(`${prefix}.${v}`);
    let head = [];
    let text = x.detail || null;
    let extra = null;
    if (x.kind === 'interaction') {
      head = [known('interaction_kind', x.title) ? badge('interaction_kind', x.title) : null, x.direction && badge('direction', x.direction),
        x.user_id != null && h('span', { class: 'timeline-who' }, h('span', { i18n: 'log.by' }), ' ', userLabel(x.user_id, ctx.user))];
      if (!known('interaction_kind', x.title) && x.title) text = [x.title, x.detail].filter(Boolean).join(' — ');
      extra = interactionExtras(x);
    } else if (x.kind === 'stage') {
      head = [x.detail && known('stage', x.detail) && [badge('stage', x.detail), h('span', { class: 'arrow', 'aria-hidden': 'true', text: '→' })],
        known('stage', x.title) ? badge('stage', x.title) : null];
      text = null;
    } else if (x.kind === 'goal') {
      head = [known('goal_status', x.title) ? badge('goal_status', x.title) : null];
    } else if (x.kind === 'referral') {
      head = [known('status', x.title) ? badge('status', x.title) : null];
    } else if (x.kind === 'record') {
      // The partner's record archived or restored, and by whom.
      head = [known('record_event', x.title) ? badge('record_event', x.title) : null,
        x.user_id != null && h('span', { class: 'timeline-who' }, h('span', { i18n: 'log.by' }), ' ', userLabel(x.user_id, ctx.user))];
    }
    if (!head.flat().filter(Boolean).length && x.title && x.kind !== 'interaction') text = [x.title, x.detail].filter(Boolean).join(' — ');
    return h('li', { class: 'timeline-item', dataset: x.kind === 'interaction' ? { kind: x.kind, interactionId: String(x.id) } : { kind: x.kind } },
      h('div', { class: 'timeline-when' }, dateTime(x.at)),
      h('div', { class: 'timeline-body' },
        h('p', { class: 'timeline-move' }, badge('timeline_kind', x.kind), head),
        text && h('p', { class: 'timeline-text prose' }, bdi(text)),
        extra));
  }

  // Under an interaction: whether it awaits an answer (and "Mark answered"),
  // how long the answer took, Edit, and its edit history.
  function interactionExtras(x) {
    const parts = [];
    if (x.awaiting && !x.responded_at) {
      parts.push(h('span', { class: 'badge badge-awaiting', i18n: `awaiting.badge_${x.awaiting}` }));
    } else if (x.awaiting && x.responded_at) {
      const hours = Math.max(0, (Date.parse(x.responded_at) - Date.parse(x.at)) / 3600e3);
      parts.push(h('span', { class: 'ix-answered muted', i18n: `log.answered_${x.awaiting}`, vars: { hours: formatNumber(Math.round(hours * 10) / 10) } }));
    }
    const actions = [];
    let answerForm = null;
    if (writable && x.awaiting && !x.responded_at) {
      const mark = h('button', { type: 'button', class: 'btn btn-small ix-mark-answered', 'aria-expanded': 'false' },
        h('span', { i18n: 'log.mark_answered' }));
      const fieldEl = field({ name: 'responded_at', label: 'log.responded_at', type: 'datetime-local', required: true, mark: false });
      const input = fieldEl.querySelector('input');
      const saveA = h('button', { type: 'submit', class: 'btn btn-small btn-primary', i18n: 'log.save_answered' });
      answerForm = h('form', { class: 'form answer-form', novalidate: true, hidden: true },
        formAlert(), fieldEl,
        h('div', { class: 'form-actions' }, saveA,
          h('button', { type: 'button', class: 'btn btn-small btn-quiet', i18n: 'action.cancel', on: { click: () => show(false) } })));
      const show = (on) => {
        answerForm.hidden = !on;
        mark.setAttribute('aria-expanded', String(on));
        if (on) {
          input.value = localInputValue(new Date());
          input.min = localInputValue(new Date(x.at));
          input.max = localInputValue(new Date(Date.now() + 60000));
          input.focus();
        } else {
          clearErrors(answerForm);
          mark.focus();
        }
      };
      mark.addEventListener('click', () => show(answerForm.hidden));
      answerForm.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        clearErrors(answerForm);
        if (!input.value) { markInvalid(input, { key: 'error.required' }).focus(); return; }
        saveA.disabled = true;
        try {
          await api.patch(`/interactions/${x.id}`, { responded_at: rfc3339(new Date(input.value)) });
          announce(live, 'log.answered_saved');
          await Promise.all([loadTimeline(), loadRelationship()]);
          const item = timelineBody.querySelector(`.timeline-item[data-interaction-id="${x.id}"] .ix-edit`);
          if (item) item.focus();
        } catch (err) {
          if (err.name !== 'AbortError') showFormError(answerForm, err);
        } finally {
          saveA.disabled = false;
        }
      });
      actions.push(mark);
    }
    if (writable && startEdit) {
      const edit = h('button', { type: 'button', class: 'btn btn-small btn-quiet ix-edit', 'aria-controls': 'log-form' },
        h('span', { i18n: 'action.edit' }), h('span', { class: 'visually-hidden', i18n: 'log.edit_this' }));
      edit.addEventListener('click', () => startEdit(x.id, edit));
      actions.push(edit);
    }
    let history = null;
    if (x.versions > 0) {
      const body = h('div', { class: 'ix-history-body' }, loadingState());
      history = h('details', { class: 'ix-history' },
        h('summary', { i18n: 'log.history', vars: { count: x.versions } }),
        body);
      let loaded = false;
      history.addEventListener('toggle', async () => {
        if (!history.open || loaded) return;
        loaded = true;
        try {
          const ix = await api.get(`/interactions/${x.id}`, opts);
          replace(body, historyList(ix));
        } catch (err) {
          loaded = false;
          if (err.name !== 'AbortError') replace(body, errorState(err));
        }
      });
    }
    if (!parts.length && !actions.length && !history) return null;
    return h('div', { class: 'ix-extras' },
      (parts.length || actions.length) && h('div', { class: 'ix-line' }, parts, actions),
      answerForm, history);
  }

  // The edit history of an interaction: each change, newest first, with who
  // made it, when, and each field's value before and after.
  const HISTORY_FIELDS = ['kind', 'direction', 'contact_id', 'occurred_at', 'summary', 'follow_up_at', 'awaiting', 'responded_at'];
  function historyValue(k, v) {
    if (v === null || v === undefined || v === '') return h('span', { class: 'muted', i18n: 'value.none' });
    if (k === 'kind') return enumText('interaction_kind', v);
    if (k === 'direction') return enumText('direction', v);
    if (k === 'awaiting') return h('span', { i18n: `awaiting.badge_${v}` });
    if (k.endsWith('_at')) return dateTime(v);
    if (k === 'contact_id') {
      const c = contacts.find((x) => x.id === v);
      return c ? bdi(c.name) : h('span', { text: `#${v}` });
    }
    return bdi(String(v));
  }
  function historyList(ix) {
    const versions = [...(ix.history || []).map((v) => v.previous), ix];
    const changes = (ix.history || []).map((v, i) => ({ at: v.changed_at, by: v.changed_by, before: versions[i], after: versions[i + 1] }));
    return h('ol', { class: 'ix-history-list' }, changes.reverse().map((c) => {
      const changed = HISTORY_FIELDS.filter((k) => JSON.stringify(c.before[k] ?? null) !== JSON.stringify(c.after[k] ?? null));
      return h('li', { class: 'ix-version' },
        h('p', { class: 'ix-version-head' }, dateTime(c.at), ' ', h('span', { i18n: 'log.by' }), ' ',
          c.by != null ? userLabel(c.by, ctx.user) : h('span', { class: 'muted', i18n: 'value.none' })),
        changed.length
          ? h('dl', { class: 'ix-changes' }, changed.map((k) => [
            h('dt', { i18n: `log.field_${k}` }),
            h('dd', {}, h('del', {}, historyValue(k, c.before[k])), h('span', { class: 'arrow', 'aria-hidden': 'true', text: ' → ' }),
              h('span', { class: 'visually-hidden', i18n: 'log.changed_to' }), h('ins', {}, historyValue(k, c.after[k])))]))
          : h('p', { class: 'muted', i18n: 'log.no_change' }));
    }));
  }

  // ---- Goals ----
  let goals = [];
  const goalCols = h('div', { class: 'goal-cols' }, loadingState());
  const offer = h('div', { class: 'goal-offer' },
    h('h3', { i18n: 'goals.offer' }),
    h('dl', { class: 'dl' },
      h('dt', { i18n: 'partner.specialty' }), h('dd', {}, p.specialty ? bdi(p.specialty) : h('span', { class: 'muted', i18n: 'value.none' })),
      h('dt', { i18n: 'partner.payers' }), h('dd', {}, (p.payers || []).length ? h('ul', { class: 'chips' }, p.payers.map((x) => h('li', { class: 'chip' }, bdi(x)))) : h('span', { class: 'muted', i18n: 'value.none' })),
      h('dt', { i18n: 'partner.languages' }), h('dd', {}, (p.languages || []).length ? h('ul', { class: 'chips' }, p.languages.map((l) => h('li', { class: 'chip', title: l }, h('span', { dataset: { langTag: l }, text: languageName(l) })))) : h('span', { class: 'muted', i18n: 'value.none' }))));
  let goalToggle = null;
  let goalForm = null;
  if (writable) {
    goalToggle = h('button', { type: 'button', class: 'btn', i18n: 'goals.add', 'aria-expanded': 'false', 'aria-controls': 'goal-form' });
    const sideF = field({ name: 'side', label: 'goals.side', as: 'select', value: 'shared', options: enumOptions('goal_side', GOAL_SIDES) });
    const titleF = field({ name: 'title', label: 'goals.goal_title', required: true, dir: 'auto', autocomplete: 'off' });
    const statusF = field({ name: 'status', label: 'goals.status', as: 'select', value: 'open', options: enumOptions('goal_status', GOAL_STATUSES) });
    const targetF = field({ name: 'target_on', label: 'goals.target_on', type: 'date' });
    const notesF = field({ name: 'notes', label: 'goals.notes', as: 'textarea', rows: 2, dir: 'auto', class: 'span-2' });
    const save = h('button', { type: 'submit', class: 'btn btn-primary', i18n: 'goals.save' });
    goalForm = h('form', { id: 'goal-form', class: 'form sub-form', novalidate: true, hidden: true, 'aria-labelledby': 'goal-form-title' },
      h('h3', { id: 'goal-form-title', i18n: 'goals.add_title' }),
      formAlert(),
      h('div', { class: 'form-grid' }, titleF, sideF, statusF, targetF, notesF),
      h('div', { class: 'form-actions' }, save,
        h('button', { type: 'button', class: 'btn btn-quiet', i18n: 'action.cancel', on: { click: () => showGoalForm(false) } })));
    const showGoalForm = (on) => {
      goalForm.hidden = !on;
      goalToggle.setAttribute('aria-expanded', String(on));
      if (on) titleF.querySelector('input').focus();
      else { goalForm.reset(); clearErrors(goalForm); goalToggle.focus(); }
    };
    goalToggle.addEventListener('click', () => showGoalForm(goalForm.hidden));
    goalForm.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearErrors(goalForm);
      const val = (f) => f.querySelector('input,select,textarea').value.trim();
      const body = { side: val(sideF), title: val(titleF), status: val(statusF) };
      if (!body.title) { markInvalid(titleF.querySelector('input'), { key: 'error.required' }).focus(); return; }
      if (val(targetF)) body.target_on = val(targetF);
      if (val(notesF)) body.notes = val(notesF);
      save.disabled = true;
      try {
        const g = await api.post(`/partners/${p.id}/goals`, body);
        goals.push(g);
        drawGoals();
        announce(live, 'goals.added');
        showGoalForm(false);
        loadTimeline();
      } catch (err) {
        if (err.name !== 'AbortError') showFormError(goalForm, err);
      } finally {
        save.disabled = false;
      }
    });
  }
  replace(goalsCard,
    h('div', { class: 'card-head' },
      h('div', {}, h('h2', { id: 'goals-title', i18n: 'goals.title' }), h('p', { class: 'muted', i18n: 'goals.lead' })),
      goalToggle),
    goalForm, goalCols, offer);

  function goalItem(g) {
    let status;
    if (writable) {
      const id = uid('goal-status');
      const sel = h('select', { id, class: 'goal-status' }, GOAL_STATUSES.map((s) => h('option', { value: s, i18n: `goal_status.${s}`, selected: s === g.status })));
      sel.addEventListener('change', async () => {
        sel.disabled = true;
        try {
          const u = await api.patch(`/goals/${g.id}`, { status: sel.value });
          Object.assign(g, u);
          announce(live, 'goals.updated');
          loadTimeline();
        } catch (err) {
          if (err.name === 'AbortError') return;
          sel.value = g.status;
          announce(live, 'error.generic');
        } finally {
          sel.disabled = false;
        }
      });
      status = h('div', { class: 'goal-status-field' },
        h('label', { for: id }, h('span', { class: 'label-text', i18n: 'goals.status' }), h('span', { class: 'visually-hidden', dir: 'auto', text: ` ${g.title}` })),
        sel);
    } else {
      status = badge('goal_status', g.status);
    }
    return h('li', { id: `goal-${g.id}`, tabindex: '-1', class: ['goal', `goal-${g.status}`], dataset: { goalId: String(g.id), status: g.status } },
      h('p', { class: 'goal-title' }, bdi(g.title)),
      g.target_on && h('p', { class: 'muted goal-target' }, h('span', { i18n: 'goals.target_on' }), ' ', dateOnly(g.target_on)),
      g.notes && h('p', { class: 'prose goal-notes' }, bdi(g.notes)),
      status);
  }

  function drawGoals() {
    const text = (v, key) => (v ? h('div', { class: 'goal-words' }, h('p', { class: 'muted goal-words-label', i18n: key }), h('p', { class: 'prose' }, bdi(v))) : null);
    replace(goalCols, GOAL_SIDES.map((side) => {
      const mine = goals.filter((g) => g.side === side);
      return h('div', { class: 'goal-col', dataset: { side } },
        h('h3', { i18n: `goals.${side}` }),
        side === 'theirs' && text(p.goals_theirs, 'goals.in_their_words'),
        side === 'theirs' && text(p.services_theirs, 'partner.services_theirs'),
        side === 'theirs' && p.wait_days != null && text(`${p.wait_days}`, 'partner.wait_days'),
        side === 'theirs' && text(p.capacity_note, 'partner.capacity_note'),
        side === 'ours' && text(p.goals_ours, 'goals.in_our_words'),
        side === 'ours' && text(p.services_ours, 'partner.services_ours'),
        mine.length ? h('ul', { class: 'goal-list' }, mine.map(goalItem)) : h('p', { class: 'muted', i18n: 'goals.none' }));
    }));
  }

  async function loadGoals() {
    try {
      const data = await api.get(`/partners/${p.id}/goals`, opts);
      goals = data.items || [];
      drawGoals();
    } catch (err) {
      if (err.name !== 'AbortError') replace(goalCols, errorState(err, loadGoals));
    }
  }

  // ---- Commitments ----
  let commitments = [];
  let referrals = null; // this partner's referrals, for links (null until read)
  const commitList = h('div', { class: 'commit-wrap' }, loadingState());
  let commitToggle = null;
  let commitForm = null;
  if (writable) {
    commitToggle = h('button', { type: 'button', class: 'btn', i18n: 'commit.add', 'aria-expanded': 'false', 'aria-controls': 'commit-form' });
    const titleF = field({ name: 'title', label: 'commit.what', required: true, dir: 'auto', autocomplete: 'off', class: 'span-2' });
    const dueF = field({ name: 'due_on', label: 'commit.due_on', type: 'date', required: true });
    const byF = field({ name: 'promised_by', label: 'commit.promised_by', as: 'select', value: 'us', options: enumOptions('promised_by', ['us', 'partner']) });
    const ownerF = field({ name: 'owner_id', label: 'commit.owner', as: 'select', options: [] });
    fillOwnerSelect(ownerF.querySelector('select'), { value: ctx.user.id, me: ctx.user });
    const linkF = field({ name: 'link', label: 'commit.link', as: 'select', value: '', options: [['', 'commit.link_none']], hint: 'commit.hint_link', class: 'span-2' });
    const linkSel = linkF.querySelector('select');
    const save = h('button', { type: 'submit', class: 'btn btn-primary', i18n: 'commit.save' });
    commitForm = h('form', { id: 'commit-form', class: 'form sub-form', novalidate: true, hidden: true, 'aria-labelledby': 'commit-form-title' },
      h('h3', { id: 'commit-form-title', i18n: 'commit.add_title' }),
      formAlert(),
      h('div', { class: 'form-grid' }, titleF, dueF, byF, ownerF, linkF),
      h('div', { class: 'form-actions' }, save,
        h('button', { type: 'button', class: 'btn btn-quiet', i18n: 'action.cancel', on: { click: () => showCommitForm(false) } })));
    // The link choices: this partner's goals and referrals (value goal:ID or referral:ID).
    const drawLinks = () => {
      const keep = linkSel.value;
      replace(linkSel, h('option', { value: '', i18n: 'commit.link_none' }),
        goals.length ? h('optgroup', { 'i18n-label': 'commit.link_goals' },
          goals.map((g) => h('option', { value: `goal:${g.id}`, dir: 'auto', text: g.title }))) : null,
        referrals && referrals.length ? h('optgroup', { 'i18n-label': 'commit.link_referrals' },
          referrals.map((r) => h('option', { value: `referral:${r.id}`, i18n: 'commit.referral_option', vars: { id: String(r.id) } }))) : null);
      linkSel.value = [...linkSel.options].some((o) => o.value === keep) ? keep : '';
    };
    const showCommitForm = async (on) => {
      commitForm.hidden = !on;
      commitToggle.setAttribute('aria-expanded', String(on));
      if (on) {
        drawLinks();
        titleF.querySelector('input').focus();
        if (referrals === null && canListReferrals(ctx.user)) {
          try {
            const data = await api.get(`/referrals${api.query({ partner_id: p.id, limit: 100 })}`, opts);
            referrals = data.items || [];
            drawLinks();
          } catch (err) { /* goals only */ }
        }
      } else { commitForm.reset(); clearErrors(commitForm); commitToggle.focus(); }
    };
    commitToggle.addEventListener('click', () => showCommitForm(commitForm.hidden));
    commitForm.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearErrors(commitForm);
      const val = (f) => f.querySelector('input,select').value.trim();
      const body = { partner_id: p.id, title: val(titleF), due_on: val(dueF), promised_by: val(byF) };
      if (!body.title) { markInvalid(titleF.querySelector('input'), { key: 'error.required' }).focus(); return; }
      if (!body.due_on) { markInvalid(dueF.querySelector('input'), { key: 'error.required' }).focus(); return; }
      if (val(ownerF)) body.owner_id = Number(val(ownerF));
      const [linkKind, linkId] = val(linkF).split(':');
      if (linkKind === 'goal') body.goal_id = Number(linkId);
      if (linkKind === 'referral') body.referral_id = Number(linkId);
      save.disabled = true;
      try {
        const c = await api.post('/commitments', body);
        commitments.push(c);
        drawCommitments();
        announce(live, 'commit.added');
        showCommitForm(false);
      } catch (err) {
        if (err.name !== 'AbortError') showFormError(commitForm, err, (name) => (name === 'referral_id' || name === 'goal_id' ? linkSel : commitForm.querySelector(`[data-field="${name}"]`)));
      } finally {
        save.disabled = false;
      }
    });
  }
  replace(commitCard,
    h('div', { class: 'card-head' }, h('h2', { id: 'commit-title', i18n: 'commit.title' }), commitToggle),
    commitForm, commitList);

  // Where a commitment is linked: its referral (a link for those who may
  // read referrals) or its goal (a link to the goal on this page).
  function commitLink(c) {
    if (c.referral_id) {
      const label = { i18n: 'commit.for_referral', vars: { id: String(c.referral_id) } };
      return h('span', { class: 'commit-link' }, canReadReferrals(ctx.user)
        ? h('a', { href: `/referrals/${c.referral_id}`, ...label })
        : h('span', label));
    }
    if (c.goal_id) {
      return h('span', { class: 'commit-link' }, h('span', { i18n: 'commit.for_goal' }), ' ',
        h('a', { href: `/partners/${p.id}#goal-${c.goal_id}`, dir: 'auto', text: c.goal_title || `#${c.goal_id}` }));
    }
    return null;
  }

  function drawCommitments() {
    if (!commitments.length) {
      replace(commitList, h('p', { class: 'muted', i18n: 'commit.none' }));
      return;
    }
    const order = { open: 0, done: 1, cancelled: 2 };
    const sorted = [...commitments].sort((a, b) => (order[a.status] - order[b.status]) || String(a.due_on).localeCompare(String(b.due_on)));
    const today = todayYmd();
    replace(commitList, h('ul', { class: 'commit-list' }, sorted.map((c) => {
      const overdue = c.status === 'open' && c.due_on && c.due_on < today;
      let done = null;
      if (writable && c.status === 'open') {
        done = h('button', { type: 'button', class: 'btn btn-small' },
          h('span', { i18n: 'commit.mark_done' }), h('span', { class: 'visually-hidden', dir: 'auto', text: ` ${c.title}` }));
        done.addEventListener('click', async () => {
          done.disabled = true;
          try {
            const u = await api.patch(`/commitments/${c.id}`, { status: 'done' });
            Object.assign(c, u);
            drawCommitments();
            announce(live, 'commit.done_msg');
            const first = commitList.querySelector('button') || commitToggle;
            if (first) first.focus();
            loadRelationship();
          } catch (err) {
            if (err.name === 'AbortError') return;
            done.disabled = false;
            announce(live, 'error.generic');
          }
        });
      }
      return h('li', { class: ['commit', `commit-${c.status}`], dataset: { commitmentId: String(c.id), status: c.status } },
        h('div', { class: 'commit-main' },
          h('p', { class: 'commit-title' }, bdi(c.title)),
          h('p', { class: 'muted commit-meta' },
            c.due_on && h('span', {}, h('span', { i18n: 'commit.due_on' }), ' ', dateOnly(c.due_on)),
            h('span', {}, h('span', { i18n: 'commit.promised_by' }), ' ', h('span', { i18n: `promised_by.${c.promised_by || 'us'}` })),
            c.owner_id != null && h('span', { class: 'commit-owner' }, h('span', { i18n: 'commit.owner' }), ' ', userLabel(c.owner_id, ctx.user)),
            commitLink(c))),
        h('div', { class: 'commit-side' },
          overdue && overdueBadge(),
          badge('commit_status', c.status),
          done));
    })));
  }

  async function loadCommitments() {
    try {
      const data = await api.get(`/commitments${api.query({ partner_id: p.id, limit: 200 })}`, opts);
      commitments = data.items || [];
      drawCommitments();
    } catch (err) {
      if (err.name !== 'AbortError') replace(commitList, errorState(err, loadCommitments));
    }
  }

  loadRelationship();
  loadTimeline();
  loadGoals();
  loadCommitments();
  return { relCard, logCard, goalsCard, commitCard, setContacts };
}

