/* demo_referrals: the demo's referral history, written through the
 * service layer (service/referral.h): every referral, move, appointment and
 * document has its event and audit entry, as through the API. */
#include "io/demo_referrals.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "db/db.h"
#include "service/actor.h"
#include "service/referral.h"
#include "util/timefmt.h"

/* A small deterministic generator (xorshift64*). */
struct rng {
	uint64_t s;
};

static uint64_t next(struct rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 2685821657736338717ULL;
}

static double unit(struct rng *r)
{
	return (double)(next(r) >> 11) / 9007199254740992.0;
}

static size_t pick(struct rng *r, size_t n)
{
	return (size_t)(next(r) % n);
}

static const char *const given_en[] = {"James",	    "Mary",    "Robert", "Patricia", "Michael", "Linda",  "David",
				       "Elizabeth", "William", "Susan",	 "Daniel",   "Karen",	"Thomas", "Nancy"};
static const char *const family_en[] = {"Smith", "Johnson", "Brown",	"Garcia", "Miller",  "Davis", "Wilson",
					"Moore", "Taylor",  "Anderson", "Thomas", "Jackson", "White", "Harris"};
static const char *const given_ar[] = {"محمد", "فاطمة", "عبدالله", "نورة", "خالد", "سارة",
				       "أحمد", "ريم",	"سلطان",   "هند",  "فيصل", "لطيفة"};
static const char *const family_ar[] = {"العتيبي",  "القحطاني", "الغامدي", "الدوسري", "الشهري",
					"الزهراني", "الحربي",	"المطيري", "السبيعي", "العنزي"};

static const struct {
	const char *reason, *dx, *history, *question;
} cases[] = {
    {"Exertional chest pain", "I20.9", "Hypertension for 10 years; ex-smoker.", "Please assess for angiography."},
    {"Palpitations and dizziness", "R00.2", "Episodes for three months, worse with caffeine.",
     "Holter and rhythm assessment, please."},
    {"Knee pain after a fall", "M25.561", "Twisting injury playing football six weeks ago.",
     "Is arthroscopy indicated?"},
    {"Type 2 diabetes, poor control", "E11.65", "HbA1c 9.8% despite metformin and gliclazide.",
     "Please advise on insulin start."},
    {"Breast lump", "N63.0", "Painless 2 cm lump found on self-examination.", "Urgent triple assessment, please."},
    {"Low back pain with sciatica", "M54.41", "Eight weeks of pain radiating to the left leg.",
     "Physiotherapy plan and imaging advice."},
    {"Persistent cough", "R05.9", "Cough for ten weeks, no fever, non-smoker.", "Please rule out asthma."},
    {"Child with recurrent ear infections", "H66.90", "Five episodes of otitis media this year.", "Consider grommets?"},
    {"Headaches with visual aura", "G43.109", "Monthly attacks for a year, not helped by simple analgesia.",
     "Neurology opinion on prophylaxis."},
    {"Follow-up after myocardial infarction", "I25.2", "Stented six months ago, doing well.",
     "Cardiac rehabilitation, please."},
};

/* The load's "now": no event is recorded later than it. */
static _Thread_local int64_t demo_now;

static int move(struct db *db, int64_t id, enum rstate to, const struct actor *u, bool on_behalf, const char *reason,
		const char *note, int64_t at)
{
	if (at > demo_now)
		at = demo_now;
	struct referral_head h = {0};
	int rc = referral_head_load(db, id, &h);
	if (rc <= 0)
		return rc < 0 ? rc : DB_ERROR;
	return referral_set_status(db, &h, to, u, on_behalf, reason, note, at);
}

/* A row of the appointment's history (the referral's moves are made
 * beside it), with its audit entry. */
static int book(struct db *db, const struct actor *u, int64_t id, int64_t starts, const char *status, int64_t at)
{
	struct appointment a = {
	    .referral_id = id, .starts_at = starts, .status = status, .location = "Clinic 2, main building"};
	int64_t appt = 0;
	return appointment_add(db, u, &a, at, &appt);
}

/* A text document, attached as the API attaches one (score, audit entry). */
static int attach(struct db *db, int64_t id, const char *name, const char *text, const struct actor *u, int64_t at)
{
	unsigned char d[crypto_hash_sha256_BYTES];
	char hex[65];
	crypto_hash_sha256(d, (const unsigned char *)text, strlen(text));
	sodium_bin2hex(hex, sizeof(hex), d, sizeof(d));
	struct document doc = {.referral_id = id, .filename = name, .content_type = "text/plain", .sha256 = hex};
	return document_attach(db, u, &doc, text, strlen(text), at);
}

int demo_referrals_load(struct db *db, const int64_t *partners, size_t npartners, const struct actor *coordinator,
			const struct actor *clinician, size_t count, int64_t now)
{
	struct rng r = {0x5eed1a150aULL};
	demo_now = now;
	/* Partner weights: rank k gets 1/(k+1): a few partners send most. */
	double total = 0, weights[256];
	size_t np = npartners < 256 ? npartners : 256;
	for (size_t k = 0; k < np; k++)
		total += weights[k] = 1.0 / (double)(k + 1);
	int rc = 0;
	for (size_t i = 0; i < count && rc >= 0; i++) {
		double x = unit(&r) * total;
		size_t k = 0;
		while (k + 1 < np && x > weights[k])
			x -= weights[k++];
		/* Two years back; summer and late December are quieter. */
		int64_t created;
		bool recent = unit(&r) < 0.15; /* a busy last month: open work to show */
		for (;;) {
			created = now - (int64_t)(unit(&r) * (recent ? 30 : 730) * 86400);
			char d[TIME_RFC3339_LEN];
			time_rfc3339(created, d);
			int month = (d[5] - '0') * 10 + (d[6] - '0');
			double keep = (month == 7 || month == 8) ? 0.6 : month == 12 ? 0.75 : 1.0;
			if (unit(&r) < keep)
				break;
		}
		bool inbound = unit(&r) < 0.6;
		bool arabic = k % 3 == 1;
		size_t c = pick(&r, sizeof(cases) / sizeof(cases[0]));
		char mrn[32], born[TIME_DATE_LEN];
		size_t patient_no = (size_t)pick(&r, count * 3 / 4 + 1);
		snprintf(mrn, sizeof(mrn), "DEMO-%05zu", patient_no);
		/* A date of birth that follows from the MRN (the same patient is
		 * born once), 1938 to 2017, without drawing from the generator. */
		snprintf(born, sizeof(born), "%04zu-%02zu-%02zu", 1938 + patient_no * 37 % 80, 1 + patient_no * 7 % 12,
			 1 + patient_no * 11 % 28);
		double u = unit(&r);
		const char *urg = u < 0.8 ? "routine" : u < 0.95 ? "urgent" : "emergent";
		struct referral_input in = {
		    .direction = inbound ? RDIR_INBOUND : RDIR_OUTBOUND,
		    .partner_id = partners[k],
		    .urgency = urg,
		    .reason = cases[c].reason,
		    .diagnoses = {cases[c].dx},
		    .n_diagnoses = 1,
		    .packet = {cases[c].history, "Amlodipine 5 mg daily; aspirin 81 mg daily",
			       "No known drug allergies", NULL, NULL, cases[c].question},
		    .sent_at = inbound ? created : 0,
		    .created_at = created,
		    /* Whose it is, without drawing from the generator: one in five
		     * unassigned (for a manager's Today), most the coordinator's,
		     * some the clinician's; two in three inbound ones name the
		     * clinician who will see the patient. */
		    .assignee_id = i % 5 == 0	? 0
				   : i % 5 == 3 ? clinician->id
						: coordinator->id,
		    .receiving_clinician_id = inbound && i % 3 != 0 ? clinician->id : 0,
		};
		in.patient.mrn = mrn;
		in.patient.given = arabic ? given_ar[pick(&r, 12)] : given_en[pick(&r, 14)];
		in.patient.family = arabic ? family_ar[pick(&r, 10)] : family_en[pick(&r, 14)];
		in.patient.language = arabic ? "ar" : "en";
		in.patient.birth_date = born;
		int64_t id = 0;
		rc = referral_create(db, coordinator, &in, &id);
		if (rc < 0)
			break;
		/* How far it got: old referrals mostly closed, recent ones open. */
		double age_days = (double)(now - created) / 86400.0, fate = unit(&r);
		const struct actor *decider = inbound ? clinician : coordinator;
		bool behalf = !inbound; /* outbound: the partner's steps recorded for it */
		int64_t t = created + 3600;
		if (!inbound && age_days < 20 && fate < 0.08)
			continue; /* a draft still being prepared */
		if (!inbound) {
			t += (int64_t)(unit(&r) * 86400);
			rc = move(db, id, RSTATE_SENT, coordinator, false, NULL, NULL, t);
		}
		if (rc < 0)
			break;
		if (!inbound && i % 150 == 7) {
			rc = move(db, id, RSTATE_ENTERED_IN_ERROR, coordinator, false, NULL,
				  "Duplicate of an earlier referral for the same patient", t + 600);
			continue;
		}
		if (age_days < 30 && fate >= 0.14 && fate < 0.30) {
			/* Open at the front of the lifecycle. */
			t += (int64_t)(unit(&r) * 86400);
			rc = move(db, id, RSTATE_RECEIVED, decider, behalf, NULL, NULL, t);
			if (rc >= 0 && fate >= 0.20 && fate < 0.24)
				rc = move(db, id, RSTATE_INFO_REQUESTED, decider, behalf, NULL,
					  "Please send the latest blood results and imaging report.", t + 7200);
			if (rc >= 0 && fate >= 0.24) {
				rc = move(db, id, RSTATE_ACCEPTED, decider, behalf, NULL, NULL, t + 7200);
				if (rc >= 0)
					rc = move(db, id, RSTATE_WAITLISTED, decider, behalf, NULL,
						  "No capacity this month; first free slot expected in three weeks.",
						  t + 9000);
			}
			continue;
		}
		if (inbound && fate >= 0.10 && fate < 0.11 && age_days > 30) {
			t += 86400;
			rc = move(db, id, RSTATE_RECEIVED, clinician, false, NULL, NULL, t);
			if (rc >= 0)
				rc = move(db, id, RSTATE_REDIRECTED, clinician, false, NULL,
					  "Forwarded to a paediatric colleague better placed to see this patient.",
					  t + 3600);
			continue;
		}
		if (age_days < 3 && fate < 0.5)
			continue; /* still waiting for acknowledgement */
		if (fate < 0.02 && age_days > 40) {
			rc = move(db, id, RSTATE_EXPIRED, NULL, false, "no_action",
				  "No action within the validity window", t + 30 * 86400);
			continue;
		}
		t += (int64_t)(unit(&r) * 2 * 86400);
		if (fate < 0.10) {
			rc = move(db, id, RSTATE_DECLINED, decider, behalf, "out_of_scope",
				  "Outside our scope of practice; suggest general surgery.", t);
			continue;
		}
		if (fate < 0.14) {
			rc = move(db, id, RSTATE_CANCELLED, coordinator, inbound, NULL,
				  "Patient chose another provider", t);
			continue;
		}
		rc = move(db, id, RSTATE_ACCEPTED, decider, behalf, NULL, NULL, t);
		if (rc < 0 || (age_days < 10 && fate < 0.6))
			continue; /* accepted, not yet scheduled: some of these are overdue */
		t += (int64_t)((1 + unit(&r) * 4) * 86400);
		int64_t appt = t + (int64_t)((5 + unit(&r) * 20) * 86400);
		rc = move(db, id, RSTATE_SCHEDULED, coordinator, behalf, NULL, "appointment booked", t);
		if (rc >= 0 && fate > 0.92 && appt + 86400 <= now) {
			/* A no-show (of a visit whose time has come), then rebooked. */
			rc = book(db, coordinator, id, appt, "no_show", t);
			if (rc >= 0)
				rc = move(db, id, RSTATE_ACCEPTED, coordinator, behalf, NULL, "appointment no_show",
					  appt + 3600);
			t = appt + 86400;
			appt = t + 7 * 86400;
			if (rc >= 0)
				rc = move(db, id, RSTATE_SCHEDULED, coordinator, behalf, NULL, "appointment booked", t);
		}
		if (rc < 0)
			break;
		if (appt > now) {
			rc = book(db, coordinator, id, appt, "booked", t);
			continue; /* the appointment is still to come */
		}
		rc = book(db, coordinator, id, appt, "attended", t);
		if (rc >= 0 && fate > 0.15 && fate < 0.17) {
			rc = move(db, id, RSTATE_FAILED, coordinator, behalf, "unreachable",
				  "Patient could not be reached", appt);
			continue;
		}
		if (rc >= 0)
			rc = move(db, id, RSTATE_SEEN, coordinator, behalf, NULL, "appointment attended", appt);
		int64_t report = appt + (int64_t)((1 + unit(&r) * 9) * 86400);
		if (rc < 0 || report > now || (age_days < 60 && fate > 0.85))
			continue; /* the report has not come back: the loop is open */
		if (fate < 0.5)
			rc = attach(db, id, "consult-report.txt",
				    "Consultation report\nAssessment complete; plan agreed with the patient.\n"
				    "Follow-up with the referring physician in 3 months.\n",
				    decider, report);
		if (rc >= 0)
			rc = move(db, id, RSTATE_COMPLETED, decider, behalf, NULL,
				  "Seen and assessed; report sent to the referring physician.", report);
	}
	return rc < 0 ? rc : 0;
}
