/* completeness: packet checklists, their scores, defaults and JSON form. */
#include "domain/completeness.h"

#include <stdio.h>
#include <string.h>

#include "util/xalloc.h"

static const char *const item_names[PKT__COUNT] = {
    [PKT_REASON] = "reason",	       [PKT_DIAGNOSES] = "diagnoses", [PKT_HISTORY] = "history",
    [PKT_MEDICATIONS] = "medications", [PKT_ALLERGIES] = "allergies", [PKT_RESULTS] = "results",
    [PKT_TREATMENT] = "treatment",     [PKT_QUESTION] = "question",   [PKT_ATTACHMENTS] = "attachments",
};

#define ITEM_LIST "reason, diagnoses, history, medications, allergies, results, treatment, question, attachments"

#define GENERAL                                                                                                        \
	(PKT_BIT(PKT_REASON) | PKT_BIT(PKT_DIAGNOSES) | PKT_BIT(PKT_HISTORY) | PKT_BIT(PKT_MEDICATIONS) |              \
	 PKT_BIT(PKT_ALLERGIES) | PKT_BIT(PKT_QUESTION))
#define W1                                                                                                             \
	[PKT_REASON] = 1, [PKT_DIAGNOSES] = 1, [PKT_HISTORY] = 1, [PKT_MEDICATIONS] = 1, [PKT_ALLERGIES] = 1,          \
	[PKT_QUESTION] = 1

static const struct checklist general = {GENERAL, {W1}};
static const struct checklist cardiology = {GENERAL | PKT_BIT(PKT_RESULTS), {W1, [PKT_RESULTS] = 2}};
static const struct checklist orthopaedics = {GENERAL | PKT_BIT(PKT_RESULTS) | PKT_BIT(PKT_TREATMENT),
					      {W1, [PKT_RESULTS] = 2, [PKT_TREATMENT] = 1}};
static const struct checklist oncology = {GENERAL | PKT_BIT(PKT_RESULTS) | PKT_BIT(PKT_TREATMENT) |
					      PKT_BIT(PKT_ATTACHMENTS),
					  {W1, [PKT_RESULTS] = 2, [PKT_TREATMENT] = 2, [PKT_ATTACHMENTS] = 1}};

const char *const completeness_specialties[] = {"general",     "cardiology", "orthopaedics",
						"orthopedics", "oncology",   NULL};
static const struct checklist *const specialty_lists[] = {&general, &cardiology, &orthopaedics, &orthopaedics,
							  &oncology};

const char *completeness_item_name(enum packet_item i)
{
	return i >= 0 && i < PKT__COUNT ? item_names[i] : "unknown";
}

int completeness_item_from_name(const char *name, enum packet_item *out)
{
	for (int i = 0; name && i < PKT__COUNT; i++)
		if (strcmp(name, item_names[i]) == 0) {
			*out = (enum packet_item)i;
			return 0;
		}
	return -1;
}

/* ASCII-only case-insensitive equality (no locale). */
static bool ascii_iequal(const char *a, const char *b)
{
	for (;; a++, b++) {
		unsigned char x = (unsigned char)*a, y = (unsigned char)*b;
		if (x >= 'A' && x <= 'Z')
			x = (unsigned char)(x - 'A' + 'a');
		if (y >= 'A' && y <= 'Z')
			y = (unsigned char)(y - 'A' + 'a');
		if (x != y)
			return false;
		if (!x)
			return true;
	}
}

const struct checklist *completeness_default(const char *specialty, bool *matched)
{
	for (size_t i = 0; specialty && completeness_specialties[i]; i++)
		if (ascii_iequal(specialty, completeness_specialties[i])) {
			if (matched)
				*matched = true;
			return specialty_lists[i];
		}
	if (matched)
		*matched = false;
	return &general;
}

static unsigned weight_of(const struct checklist *c, int i)
{
	unsigned w = c->weight[i];
	return w >= 1 && w <= CHECKLIST_WEIGHT_MAX ? w : 1;
}

void completeness_score(const struct checklist *c, unsigned present, struct completeness *out)
{
	unsigned total = 0, have = 0;

	if (!c || !out)
		BUG("completeness_score: NULL argument");
	memset(out, 0, sizeof(*out));
	for (int i = 0; i < PKT__COUNT; i++) {
		if (!(c->required & PKT_BIT(i)))
			continue;
		total += weight_of(c, i);
		if (present & PKT_BIT(i)) {
			have += weight_of(c, i);
		} else {
			out->missing[out->n_missing] = (enum packet_item)i;
			out->missing_names[out->n_missing] = item_names[i];
			out->n_missing++;
		}
	}
	if (total == 0) {
		out->score = 100;
		return;
	}
	out->score = (int)((200 * have + total) / (2 * total)); /* round half up */
	if (out->n_missing && out->score > 99)
		out->score = 99;
}

static json_t *must(json_t *v)
{
	if (!v)
		BUG("completeness: jansson could not allocate");
	return v;
}

json_t *completeness_to_json(const struct checklist *c)
{
	json_t *obj = must(json_object());
	json_t *req = must(json_array());
	json_t *weights = must(json_object());

	for (int i = 0; i < PKT__COUNT; i++) {
		if (!(c->required & PKT_BIT(i)))
			continue;
		json_array_append_new(req, must(json_string(item_names[i])));
		if (weight_of(c, i) != 1)
			json_object_set_new(weights, item_names[i], must(json_integer(weight_of(c, i))));
	}
	json_object_set_new(obj, "required", req);
	if (json_object_size(weights))
		json_object_set_new(obj, "weights", weights);
	else
		json_decref(weights);
	return obj;
}

/* True when s is short printable ASCII, safe to quote in a message. */
static bool quotable(const char *s)
{
	size_t n = 0;
	for (; s[n]; n++)
		if (n >= 32 || s[n] < 0x20 || s[n] > 0x7e || s[n] == '"' || s[n] == '\\')
			return false;
	return n > 0;
}

static int unknown_item(struct verr *e, const char *field, const char *name)
{
	if (quotable(name))
		return verr_set(e, NULL, field, "\"%s\" is not a packet item (" ITEM_LIST ")", name);
	return verr_set(e, NULL, field, "is not a packet item (" ITEM_LIST ")");
}

int completeness_from_json(json_t *in, struct checklist *out, struct verr *e)
{
	static const char *const fields[] = {"required", "weights", NULL};
	struct checklist c = {0};
	char field[64];

	if (jcheck_object(in, "body", e) || jcheck_known(in, NULL, fields, e))
		return -1;

	json_t *req = json_object_get(in, "required");
	if (!req || json_is_null(req))
		return verr_set(e, NULL, "required", "is required");
	if (!json_is_array(req))
		return verr_set(e, NULL, "required", "must be an array of packet item names");
	size_t idx;
	json_t *v;
	json_array_foreach(req, idx, v)
	{
		enum packet_item item;
		snprintf(field, sizeof(field), "required[%zu]", idx);
		if (!json_is_string(v))
			return verr_set(e, NULL, field, "must be a string");
		if (completeness_item_from_name(json_string_value(v), &item))
			return unknown_item(e, field, json_string_value(v));
		if (c.required & PKT_BIT(item))
			return verr_set(e, NULL, field, "\"%s\" is listed twice", item_names[item]);
		c.required |= PKT_BIT(item);
		c.weight[item] = 1;
	}
	/* An empty list would score every packet 100 %: a checklist names at
	 * least one item. */
	if (!c.required)
		return verr_set(e, NULL, "required", "must name at least one packet item");

	json_t *weights = json_object_get(in, "weights");
	if (weights) {
		if (!json_is_object(weights))
			return verr_set(e, NULL, "weights", "must be an object of item names to weights");
		const char *key;
		json_object_foreach(weights, key, v)
		{
			enum packet_item item;
			if (!quotable(key)) /* no item name is unquotable; keep odd bytes out of the field */
				return unknown_item(e, "weights", key);
			snprintf(field, sizeof(field), "weights.%s", key);
			if (completeness_item_from_name(key, &item))
				return unknown_item(e, field, key);
			if (!(c.required & PKT_BIT(item)))
				return verr_set(e, NULL, field, "is not a required item: list it in required first");
			if (!json_is_integer(v) || json_integer_value(v) < 1 ||
			    json_integer_value(v) > CHECKLIST_WEIGHT_MAX)
				return verr_set(e, NULL, field, "must be an integer from 1 to %d",
						CHECKLIST_WEIGHT_MAX);
			c.weight[item] = (unsigned char)json_integer_value(v);
		}
	}
	*out = c;
	return 0;
}

static bool nonblank(const char *s)
{
	for (; s && *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return true;
	return false;
}

unsigned completeness_present(const struct packet_text *p)
{
	static const enum packet_item items[6] = {PKT_HISTORY, PKT_MEDICATIONS, PKT_ALLERGIES,
						  PKT_RESULTS, PKT_TREATMENT,	PKT_QUESTION};
	unsigned present = 0;
	if (nonblank(p->reason))
		present |= PKT_BIT(PKT_REASON);
	if (p->n_diagnoses)
		present |= PKT_BIT(PKT_DIAGNOSES);
	for (int i = 0; i < 6; i++)
		if (nonblank(p->items[i]))
			present |= PKT_BIT(items[i]);
	if (p->n_documents)
		present |= PKT_BIT(PKT_ATTACHMENTS);
	return present;
}
