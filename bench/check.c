/* bench/check.c: checks that the generated network (bench/gen.mjs) is what
 * the application itself would have stored, using the application's own
 * rules from libliaison_core: text_fold() for the derived keys,
 * partner_validate() on each partner as an API body, npi/ICD-10 checks, the
 * referral state machine (every event an allowed move by the side that owns
 * it, with the on_behalf flag the API records, decisions on inbound referrals
 * by a clinician), the service-level due step and time of sla_current(), the
 * completeness score, the month column, the status times, the appointments,
 * and that nothing is left for the expiry job.
 *
 *   bench/check DB.sqlite [EVERY]    checks every EVERY-th partner, patient and
 *                                    referral (default 50); exit 1 on a fault
 *
 * Built by bench/run against build-bench/libliaison_core.a. */
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/completeness.h"
#include "domain/icd10.h"
#include "domain/npi.h"
#include "domain/partner.h"
#include "domain/referral.h"
#include "domain/roles.h"
#include "domain/sla.h"
#include "util/text.h"

static sqlite3 *db;
static long faults, checked_partners, checked_patients, checked_referrals, checked_events;

#define FAULT(...)                                                                                                     \
	do {                                                                                                           \
		if (faults++ < 25) {                                                                                   \
			fprintf(stderr, "check: ");                                                                    \
			fprintf(stderr, __VA_ARGS__);                                                                  \
			fputc('\n', stderr);                                                                           \
		}                                                                                                      \
	} while (0)

static sqlite3_stmt *prep(const char *sql)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "check: %s: %s\n", sql, sqlite3_errmsg(db));
		exit(2);
	}
	return st;
}

static const char *txt(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

static bool isnull(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL;
}

static void same_fold(const char *what, long long id, const char *source, const char *stored)
{
	char *f = text_fold(source);
	if (!f || !stored || strcmp(f, stored) != 0)
		FAULT("%s %lld: stored key \"%s\" but text_fold gives \"%s\"", what, id, stored ? stored : "(null)",
		      f ? f : "(invalid)");
	free(f);
}

static json_t *jtext(sqlite3_stmt *st, int i)
{
	return isnull(st, i) ? json_null() : json_string(txt(st, i));
}

static void check_partners(int every)
{
	sqlite3_stmt *st = prep(
	    "SELECT id, kind, name, name_key, search_key, specialty, specialty_key, taxonomy_code, organization, "
	    "phone, email, addr_line, addr_city, addr_region, addr_postal_code, addr_country, identifiers, "
	    "languages, payers, in_network, stage, owner_id, checkin_days, goals_theirs, goals_ours, notes, "
	    "created_at, updated_at, (SELECT COUNT(*) FROM users u WHERE u.id = p.owner_id), source, stage_at FROM "
	    "partners p WHERE id % ?1 = 1 % ?1");
	sqlite3_stmt *hist =
	    prep("SELECT from_stage, to_stage, at FROM partner_stages WHERE partner_id = ? ORDER BY id");
	sqlite3_bind_int(st, 1, every);
	while (sqlite3_step(st) == SQLITE_ROW) {
		long long id = sqlite3_column_int64(st, 0);
		checked_partners++;
		same_fold("partner name_key", id, txt(st, 2), txt(st, 3));
		char all[1024];
		snprintf(all, sizeof(all), "%s %s %s", txt(st, 2), isnull(st, 5) ? "" : txt(st, 5),
			 isnull(st, 12) ? "" : txt(st, 12));
		same_fold("partner search_key", id, all, txt(st, 4));
		if (!isnull(st, 5))
			same_fold("partner specialty_key", id, txt(st, 5), txt(st, 6));
		/* The row as the API body that would have created it. */
		json_t *body = json_object();
		json_object_set_new(body, "kind", jtext(st, 1));
		json_object_set_new(body, "name", jtext(st, 2));
		json_object_set_new(body, "specialty", jtext(st, 5));
		json_object_set_new(body, "taxonomy_code", jtext(st, 7));
		json_object_set_new(body, "organization", jtext(st, 8));
		json_object_set_new(body, "phone", jtext(st, 9));
		json_object_set_new(body, "email", jtext(st, 10));
		json_object_set_new(body, "address",
				    json_pack("{so so so so so}", "line", jtext(st, 11), "city", jtext(st, 12),
					      "region", jtext(st, 13), "postal_code", jtext(st, 14), "country",
					      jtext(st, 15)));
		for (int i = 16; i <= 18; i++) {
			json_t *v = json_loads(txt(st, i), 0, NULL);
			if (!json_is_array(v))
				FAULT("partner %lld: column %d is not a JSON array", id, i);
			json_object_set_new(body,
					    i == 16   ? "identifiers"
					    : i == 17 ? "languages"
						      : "payers",
					    v ? v : json_array());
		}
		json_object_set_new(body, "in_network", json_boolean(sqlite3_column_int(st, 19)));
		json_object_set_new(body, "stage", jtext(st, 20));
		json_object_set_new(body, "owner_id",
				    isnull(st, 21) ? json_null() : json_integer(sqlite3_column_int64(st, 21)));
		json_object_set_new(body, "checkin_days",
				    isnull(st, 22) ? json_null() : json_integer(sqlite3_column_int64(st, 22)));
		json_object_set_new(body, "goals_theirs", jtext(st, 23));
		json_object_set_new(body, "goals_ours", jtext(st, 24));
		json_object_set_new(body, "notes", jtext(st, 25));
		json_object_set_new(body, "source", jtext(st, 29));
		/* The stage history ends in the stage, at stage_at. */
		sqlite3_reset(hist);
		sqlite3_bind_int64(hist, 1, id);
		char last[32] = "";
		long long last_at = 0;
		int moves = 0;
		while (sqlite3_step(hist) == SQLITE_ROW) {
			if ((moves == 0) != isnull(hist, 0) || (moves && strcmp(txt(hist, 0), last) != 0))
				FAULT("partner %lld: stage history does not chain", id);
			snprintf(last, sizeof(last), "%s", txt(hist, 1));
			last_at = sqlite3_column_int64(hist, 2);
			moves++;
		}
		if (!moves || strcmp(last, txt(st, 20)) != 0 || last_at != sqlite3_column_int64(st, 30))
			FAULT("partner %lld: stage %s since %lld, history ends in %s at %lld", id, txt(st, 20),
			      (long long)sqlite3_column_int64(st, 30), last, last_at);
		struct verr e = {0};
		if (partner_validate(body, true, &e))
			FAULT("partner %lld: the API would refuse it: %s %s", id, e.field, e.message);
		json_t *ids = json_object_get(body, "identifiers"), *one;
		size_t k;
		json_array_foreach(ids, k, one)
		{
			json_t *scheme = json_object_get(one, "scheme");
			if (json_is_string(scheme) && strcmp(json_string_value(scheme), "npi") == 0 &&
			    !npi_valid(json_string_value(json_object_get(one, "value"))))
				FAULT("partner %lld: NPI check digit wrong", id);
		}
		json_decref(body);
		if (!isnull(st, 21) && sqlite3_column_int(st, 28) != 1)
			FAULT("partner %lld: owner_id names no user", id);
		if (sqlite3_column_int64(st, 27) < sqlite3_column_int64(st, 26))
			FAULT("partner %lld: updated before created", id);
	}
	sqlite3_finalize(st);
	sqlite3_finalize(hist);
}

static bool one_of(const char *s, const char *const *list)
{
	for (; s && *list; list++)
		if (strcmp(s, *list) == 0)
			return true;
	return false;
}

static long checked_interactions;

static void check_interactions(int every)
{
	static const char *const kinds[] = {"call", "email", "meeting", "visit", "lunch", "event", "message", NULL};
	static const char *const dirs[] = {"inbound", "outbound", NULL};
	static const char *const sides[] = {"us", "them", NULL};
	sqlite3_stmt *st = prep(
	    "SELECT i.id, i.kind, i.direction, i.occurred_at, i.follow_up_at, i.awaiting, i.responded_at, "
	    "i.created_at, i.updated_at, (i.contact_id IS NULL OR EXISTS (SELECT 1 FROM contacts c WHERE c.id = "
	    "i.contact_id AND c.partner_id = i.partner_id)), (SELECT COUNT(*) FROM partners p WHERE p.id = "
	    "i.partner_id AND p.created_at <= i.occurred_at), (SELECT previous FROM interaction_versions v WHERE "
	    "v.interaction_id = i.id) FROM interactions i WHERE id % ?1 = 1 % ?1 OR id IN (SELECT interaction_id FROM "
	    "interaction_versions WHERE id % ?1 = 1 % ?1)");
	sqlite3_bind_int(st, 1, every);
	while (sqlite3_step(st) == SQLITE_ROW) {
		long long id = sqlite3_column_int64(st, 0);
		checked_interactions++;
		int64_t occurred = sqlite3_column_int64(st, 3);
		if (!one_of(txt(st, 1), kinds) || !one_of(txt(st, 2), dirs) ||
		    (!isnull(st, 5) && !one_of(txt(st, 5), sides)))
			FAULT("interaction %lld: kind, direction or awaiting not one of the API's", id);
		if ((!isnull(st, 4) && sqlite3_column_int64(st, 4) < occurred) ||
		    (!isnull(st, 6) && sqlite3_column_int64(st, 6) < occurred))
			FAULT("interaction %lld: follow-up or response before the interaction", id);
		if (!isnull(st, 6) && isnull(st, 5))
			FAULT("interaction %lld: responded without awaiting", id);
		if (sqlite3_column_int64(st, 7) < occurred || sqlite3_column_int64(st, 8) < sqlite3_column_int64(st, 7))
			FAULT("interaction %lld: logged before it happened, or updated before logged", id);
		if (!sqlite3_column_int(st, 9))
			FAULT("interaction %lld: the contact is not the partner's", id);
		if (sqlite3_column_int(st, 10) != 1)
			FAULT("interaction %lld: the partner did not exist yet", id);
		if (!isnull(st, 11)) {
			json_t *prev = json_loads(txt(st, 11), 0, NULL);
			if (!json_is_object(prev) || json_integer_value(json_object_get(prev, "id")) != id)
				FAULT("interaction %lld: the kept version is not the record as JSON", id);
			json_decref(prev);
		}
	}
	sqlite3_finalize(st);
}

static void check_patients(int every)
{
	sqlite3_stmt *st =
	    prep("SELECT id, given, family, mrn, search_key, birth_date FROM patients WHERE id % ?1 = 1 % ?1");
	sqlite3_bind_int(st, 1, every);
	while (sqlite3_step(st) == SQLITE_ROW) {
		long long id = sqlite3_column_int64(st, 0);
		checked_patients++;
		char all[512];
		snprintf(all, sizeof(all), "%s %s %s", txt(st, 1), txt(st, 2), isnull(st, 3) ? "" : txt(st, 3));
		same_fold("patient search_key", id, all, txt(st, 4));
		if (!isnull(st, 5) && !valid_date(txt(st, 5)))
			FAULT("patient %lld: birth_date %s", id, txt(st, 5));
	}
	sqlite3_finalize(st);
}

static int64_t month_of(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	return (int64_t)(tm.tm_year + 1900) * 100 + tm.tm_mon + 1;
}

static bool nonempty(sqlite3_stmt *st, int i)
{
	return !isnull(st, i) && txt(st, i)[0];
}

static void check_referrals(int every, int64_t now)
{
	sqlite3_stmt *st = prep(
	    "SELECT id, direction, status, status_at, urgency, specialty, sent_at, seen_at, closed_at, due_step, "
	    "due_at, month, created_at, updated_at, completeness_score, reason, diagnoses, history, medications, "
	    "allergies, results, treatment, question, (SELECT COUNT(*) FROM documents d WHERE d.referral_id = r.id), "
	    "redirected_from, partner_id, patient_id, (SELECT COUNT(*) FROM partners p WHERE p.id = r.partner_id), "
	    "(SELECT COUNT(*) FROM patients p WHERE p.id = r.patient_id) FROM referrals r WHERE id % ?1 = 1 % ?1");
	sqlite3_stmt *ev =
	    prep("SELECT e.id, e.at, e.user_id, e.on_behalf, e.from_status, e.to_status, e.reason, e.note, "
		 "u.role FROM referral_events e LEFT JOIN users u ON u.id = e.user_id "
		 "WHERE e.referral_id = ? ORDER BY e.id");
	sqlite3_stmt *ap = prep("SELECT status, starts_at FROM appointments WHERE referral_id = ? ORDER BY id");
	sqlite3_stmt *child = prep("SELECT COUNT(*) FROM referrals WHERE redirected_from = ?");
	struct work_calendar cal = {.weekdays = WORKWEEK_MON_FRI};
	sqlite3_bind_int(st, 1, every);
	while (sqlite3_step(st) == SQLITE_ROW) {
		long long id = sqlite3_column_int64(st, 0);
		checked_referrals++;
		enum rdirection dir;
		enum rstate status;
		if (referral_direction_from_name(txt(st, 1), &dir) || referral_state_from_name(txt(st, 2), &status)) {
			FAULT("referral %lld: direction or status unknown", id);
			continue;
		}
		if (sqlite3_column_int(st, 27) != 1 || sqlite3_column_int(st, 28) != 1)
			FAULT("referral %lld: partner or patient missing", id);
		int64_t created = sqlite3_column_int64(st, 12);
		if (sqlite3_column_int64(st, 11) != month_of(created) && isnull(st, 24))
			FAULT("referral %lld: month %lld for created_at %lld", id,
			      (long long)sqlite3_column_int64(st, 11), (long long)created);
		json_t *dx = json_loads(txt(st, 16), 0, NULL);
		size_t k;
		json_t *code;
		json_array_foreach(dx, k, code) if (!icd10_valid(json_string_value(code)))
		    FAULT("referral %lld: diagnosis %s", id, json_string_value(code));
		/* The events: a chain of allowed moves ending in the status. */
		sqlite3_reset(ev);
		sqlite3_bind_int64(ev, 1, id);
		const char *prev = NULL;
		char prevbuf[32] = "";
		int64_t last_at = 0, sent_at = 0, seen_at = 0;
		bool has_sent = false, has_seen = false;
		int n = 0;
		while (sqlite3_step(ev) == SQLITE_ROW) {
			checked_events++;
			const char *from = isnull(ev, 4) ? NULL : txt(ev, 4), *to = txt(ev, 5);
			int64_t at = sqlite3_column_int64(ev, 1);
			if (n == 0 && from)
				FAULT("referral %lld: first event has a from_status", id);
			if (n > 0 && (!from || strcmp(from, prev) != 0))
				FAULT("referral %lld: event %lld moves from %s but the referral was %s", id,
				      (long long)sqlite3_column_int64(ev, 0), from ? from : "(null)", prev);
			if (at < last_at)
				FAULT("referral %lld: events out of time order", id);
			enum rstate f, t;
			if (referral_state_from_name(to, &t)) {
				FAULT("referral %lld: unknown state %s", id, to);
				break;
			}
			if (n > 0 && referral_state_from_name(from, &f) == 0) {
				bool system = isnull(ev, 2);
				struct move_input in = {.has_reason = !isnull(ev, 6),
							.has_note = !isnull(ev, 7),
							.has_document = true,
							.has_appointment_at = true,
							.has_redirect_partner_id = true};
				struct acting_as as;
				struct move_error err;
				int rc = referral_check_actor_move(f, t, dir, system ? RACTOR_SYSTEM : RACTOR_STAFF,
								   false, &in, &as, &err);
				if (rc != MOVE_OK)
					FAULT("referral %lld: %s -> %s is not allowed (%s)", id, from, to,
					      err.message ? err.message : "?");
				else if (as.on_behalf != (sqlite3_column_int(ev, 3) != 0))
					FAULT("referral %lld: %s -> %s recorded with on_behalf=%d", id, from, to,
					      sqlite3_column_int(ev, 3));
				bool decide = dir == RDIR_INBOUND && (t == RSTATE_ACCEPTED || t == RSTATE_DECLINED ||
								      t == RSTATE_REDIRECTED || t == RSTATE_COMPLETED);
				if (!system && !role_has(role_from_name(isnull(ev, 8) ? "" : txt(ev, 8)),
							 decide ? PERM_REFERRALS_DECIDE : PERM_REFERRALS_WRITE))
					FAULT("referral %lld: %s -> %s by a user without the permission", id, from, to);
			}
			if (t == RSTATE_SENT && !has_sent) {
				has_sent = true;
				sent_at = at;
			}
			if (t == RSTATE_SEEN && !(from && strcmp(from, "completed") == 0)) {
				has_seen = true;
				seen_at = at;
			}
			snprintf(prevbuf, sizeof(prevbuf), "%s", to);
			prev = prevbuf;
			last_at = at;
			n++;
		}
		if (!n || strcmp(prev, txt(st, 2)) != 0)
			FAULT("referral %lld: status %s but the last event says %s", id, txt(st, 2),
			      n ? prev : "nothing");
		if (n && sqlite3_column_int64(st, 3) != last_at)
			FAULT("referral %lld: status_at is not the last event's time", id);
		if (n && sqlite3_column_int64(st, 13) != last_at)
			FAULT("referral %lld: updated_at is not the last event's time", id);
		if (has_sent != !isnull(st, 6) || (has_sent && sqlite3_column_int64(st, 6) != sent_at))
			FAULT("referral %lld: sent_at does not match the events", id);
		if (has_seen != !isnull(st, 7) || (has_seen && sqlite3_column_int64(st, 7) != seen_at))
			FAULT("referral %lld: seen_at does not match the events", id);
		bool closed =
		    referral_state_terminal(status) || status == RSTATE_COMPLETED || status == RSTATE_DECLINED;
		if (closed != !isnull(st, 8) || (closed && sqlite3_column_int64(st, 8) != last_at))
			FAULT("referral %lld: closed_at does not match the status", id);
		/* The running step and its due time. */
		struct urgency u = *sla_default_urgency(txt(st, 4));
		struct sla_times times = {
		    .has_sent = has_sent, .sent_at = sent_at, .has_seen = has_seen, .seen_at = seen_at};
		struct sla_status s;
		sla_current(&u, status, &times, now, &cal, &s);
		if (s.step == SLA_STEP_NONE || !s.due_at) {
			if (!isnull(st, 9) || !isnull(st, 10))
				FAULT("referral %lld: a due step stored for %s", id, txt(st, 2));
		} else if (isnull(st, 9) || strcmp(txt(st, 9), sla_step_name(s.step)) != 0 ||
			   sqlite3_column_int64(st, 10) != s.due_at) {
			FAULT("referral %lld: due %s at %lld, expected %s at %lld", id,
			      isnull(st, 9) ? "-" : txt(st, 9), (long long)sqlite3_column_int64(st, 10),
			      sla_step_name(s.step), (long long)s.due_at);
		}
		/* Nothing for the expiry job. */
		if ((status == RSTATE_SENT || status == RSTATE_INFO_REQUESTED) &&
		    sqlite3_column_int64(st, 3) < now - 30 * 86400)
			FAULT("referral %lld: waiting in %s for more than 30 days", id, txt(st, 2));
		/* The stored completeness score. */
		unsigned present = 0;
		if (nonempty(st, 15))
			present |= PKT_BIT(PKT_REASON);
		if (nonempty(st, 16) && strcmp(txt(st, 16), "[]") != 0)
			present |= PKT_BIT(PKT_DIAGNOSES);
		const enum packet_item items[] = {PKT_HISTORY, PKT_MEDICATIONS, PKT_ALLERGIES,
						  PKT_RESULTS, PKT_TREATMENT,	PKT_QUESTION};
		for (int i = 0; i < 6; i++)
			if (nonempty(st, 17 + i))
				present |= PKT_BIT(items[i]);
		if (sqlite3_column_int(st, 23) > 0)
			present |= PKT_BIT(PKT_ATTACHMENTS);
		char *spec = isnull(st, 5) ? NULL : text_fold(txt(st, 5));
		struct completeness c;
		completeness_score(completeness_default(spec, NULL), present, &c);
		free(spec);
		if (c.score != sqlite3_column_int(st, 14))
			FAULT("referral %lld: completeness_score %d, expected %d", id, sqlite3_column_int(st, 14),
			      c.score);
		/* Appointments: a scheduled referral has a booked one. */
		sqlite3_reset(ap);
		sqlite3_bind_int64(ap, 1, id);
		const char *last_appt = NULL;
		char abuf[32];
		while (sqlite3_step(ap) == SQLITE_ROW) {
			snprintf(abuf, sizeof(abuf), "%s", txt(ap, 0));
			last_appt = abuf;
		}
		if (status == RSTATE_SCHEDULED && (!last_appt || strcmp(last_appt, "booked") != 0))
			FAULT("referral %lld: scheduled without a booked appointment", id);
		if (status == RSTATE_REDIRECTED) {
			sqlite3_reset(child);
			sqlite3_bind_int64(child, 1, id);
			if (sqlite3_step(child) != SQLITE_ROW || sqlite3_column_int(child, 0) != 1)
				FAULT("referral %lld: redirected without the forwarded referral", id);
		}
		json_decref(dx);
	}
	sqlite3_finalize(st);
	sqlite3_finalize(ev);
	sqlite3_finalize(ap);
	sqlite3_finalize(child);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: check DB [EVERY]\n");
		return 2;
	}
	int every = argc > 2 ? atoi(argv[2]) : 50;
	if (every < 1)
		every = 1;
	if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		fprintf(stderr, "check: cannot open %s\n", argv[1]);
		return 2;
	}
	int64_t now = (int64_t)time(NULL);
	check_partners(every);
	check_patients(every);
	check_referrals(every, now);
	check_interactions(every);
	/* Every state of the lifecycle is present. */
	sqlite3_stmt *st = prep("SELECT COUNT(DISTINCT status) FROM referrals");
	sqlite3_step(st);
	if (sqlite3_column_int(st, 0) != RSTATE__COUNT)
		FAULT("%d of the %d states present", sqlite3_column_int(st, 0), RSTATE__COUNT);
	sqlite3_finalize(st);
	sqlite3_close(db);
	printf("check: %ld partners, %ld patients, %ld referrals with %ld events, %ld interactions checked (1 in %d): "
	       "%ld fault(s)\n",
	       checked_partners, checked_patients, checked_referrals, checked_events, checked_interactions, every,
	       faults);
	return faults ? 1 : 0;
}
