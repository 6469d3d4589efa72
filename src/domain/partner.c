/* partner: validation rules for partners and contacts. */
#include "domain/partner.h"

#include <stdio.h>
#include <string.h>

#include "domain/npi.h"

const char *const partner_kinds[] = {"physician", "practice",	 "hospital", "clinic", "imaging", "laboratory",
				     "therapy",	  "home_health", "pharmacy", "other",  NULL};
const char *const partner_stages[] = {"prospect", "contacted", "meeting", "active", "inactive", "lost", NULL};
const char *const identifier_schemes[] = {"npi", "scfhs", "license", "facility", "other", NULL};
const char *const contact_roles[] = {
    "office_manager", "referral_coordinator", "physician", "nurse", "billing", "other", NULL};
const char *const contact_channels[] = {"phone", "email", "fax", "portal", "message", "in_person", NULL};
const char *const partner_sources[] = {"event", "peer_referral", "registry", "other", NULL};

static const char *const partner_fields[] = {
    "kind",	    "name",	     "identifiers", "specialty", "taxonomy_code", "organization",    "phone",
    "email",	    "address",	     "languages",   "payers",	 "in_network",	  "stage",	     "owner_id",
    "checkin_days", "goals_theirs",  "goals_ours",  "notes",	 "source",	  "services_theirs", "services_ours",
    "wait_days",    "capacity_note", NULL};
static const char *const address_fields[] = {"line", "city", "region", "postal_code", "country", NULL};
static const char *const identifier_fields[] = {"scheme", "value", "issuer", "expires_on", NULL};
static const char *const contact_fields[] = {"name", "role", "phone", "email", "preferred_channel", "notes", NULL};

bool valid_email(const char *s)
{
	size_t n = strlen(s);
	const char *at = strchr(s, '@');
	if (n < 3 || n > 254 || !at || at == s || strchr(at + 1, '@'))
		return false;
	for (const char *p = s; *p; p++)
		if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n' || *p == '<' || *p == '>' || *p == ',')
			return false;
	const char *dot = strrchr(at + 1, '.');
	return dot && dot > at + 1 && dot[1] != '\0';
}

bool valid_phone(const char *s)
{
	size_t digits = 0, n = 0;
	for (const char *p = s; *p; p++, n++) {
		if (*p >= '0' && *p <= '9')
			digits++;
		else if (!strchr(" +()-.", *p))
			return false;
	}
	return digits >= 3 && n <= 40;
}

bool valid_taxonomy_code(const char *s)
{
	if (strlen(s) != 10 || s[9] != 'X')
		return false;
	for (int i = 0; i < 9; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'Z')))
			return false;
	return true;
}

bool valid_language_tag(const char *s)
{
	/* A pragmatic BCP 47 subset: 2-3 letters, then up to three subtags of
	 * 2-8 letters or digits. */
	size_t n = 0;
	while (s[n] >= 'a' && s[n] <= 'z')
		n++;
	if (n < 2 || n > 3)
		return false;
	s += n;
	for (int sub = 0; *s; sub++) {
		if (*s != '-' || sub >= 3)
			return false;
		s++;
		n = 0;
		while ((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= 'A' && s[n] <= 'Z') || (s[n] >= '0' && s[n] <= '9'))
			n++;
		if (n < 2 || n > 8)
			return false;
		s += n;
	}
	return true;
}

bool valid_date(const char *s)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	int m = (s[5] - '0') * 10 + (s[6] - '0');
	int d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 1900 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return false;
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return !(m == 2 && d == 29 && !leap);
}

bool valid_country(const char *s)
{
	return strlen(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z';
}

void identifier_key(const char *value, char *out)
{
	const char *end = value + strlen(value);
	while (*value == ' ')
		value++;
	while (end > value && end[-1] == ' ')
		end--;
	for (; value < end; value++) {
		char c = *value;
		*out++ = (char)(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
	}
	*out = '\0';
}

/* Whether identifiers a and b have one scheme and one key. */
static bool same_identifier(json_t *a, json_t *b)
{
	const char *va = jstr(a, "value"), *vb = jstr(b, "value");
	if (strcmp(jstr(a, "scheme"), jstr(b, "scheme")) != 0)
		return false;
	char ka[264], kb[264]; /* 64 characters of at most 4 bytes */
	if (strlen(va) >= sizeof(ka) || strlen(vb) >= sizeof(kb))
		return strcmp(va, vb) == 0; /* not reached: values are at most 64 characters */
	identifier_key(va, ka);
	identifier_key(vb, kb);
	return strcmp(ka, kb) == 0;
}

/* A string field that, when present and not null, must satisfy pred. */
static int check_format(json_t *obj, const char *key, const char *prefix, bool (*pred)(const char *), const char *what,
			struct verr *e)
{
	const char *s = jstr(obj, key);
	if (s && !pred(s))
		return verr_set(e, prefix, key, "%s", what);
	return 0;
}

static int check_identifiers(json_t *arr, struct verr *e)
{
	if (!json_is_array(arr))
		return verr_set(e, NULL, "identifiers", "must be an array");
	if (json_array_size(arr) > 20)
		return verr_set(e, NULL, "identifiers", "must have at most 20 entries");
	size_t i;
	json_t *id;
	json_array_foreach(arr, i, id)
	{
		char prefix[48], self[48];
		snprintf(prefix, sizeof(prefix), "identifiers[%zu].", i);
		snprintf(self, sizeof(self), "identifiers[%zu]", i);
		if (!json_is_object(id))
			return verr_set(e, NULL, self, "must be an object");
		if (jcheck_known(id, prefix, identifier_fields, e) ||
		    jcheck_enum(id, "scheme", prefix, J_REQUIRED, identifier_schemes, e) ||
		    jcheck_string(id, "value", prefix, J_REQUIRED, 1, 64, e) ||
		    jcheck_string(id, "issuer", prefix, J_NULLABLE, 0, 200, e) ||
		    jcheck_string(id, "expires_on", prefix, J_NULLABLE, 0, 10, e) ||
		    check_format(id, "expires_on", prefix, valid_date, "must be a date (YYYY-MM-DD)", e))
			return -1;
		if (strcmp(jstr(id, "scheme"), "npi") == 0 && !npi_valid(jstr(id, "value")))
			return verr_set(e, prefix, "value",
					"is not a valid NPI: it must be 10 digits with a correct check digit");
		const char *v = jstr(id, "value");
		size_t k = strspn(v, " ");
		if (v[k] == '\0')
			return verr_set(e, prefix, "value", "must not be blank");
		for (size_t j = 0; j < i; j++)
			if (same_identifier(json_array_get(arr, j), id))
				return verr_set(e, prefix, "value", "repeats identifiers[%zu]", j);
	}
	return 0;
}

static int check_string_array(json_t *obj, const char *key, size_t max_items, size_t max_len,
			      bool (*pred)(const char *), const char *what, struct verr *e)
{
	json_t *arr = json_object_get(obj, key);
	if (!arr)
		return 0;
	if (!json_is_array(arr))
		return verr_set(e, NULL, key, "must be an array of strings");
	if (json_array_size(arr) > max_items)
		return verr_set(e, NULL, key, "must have at most %zu entries", max_items);
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v)
	{
		char name[64];
		snprintf(name, sizeof(name), "%s[%zu]", key, i);
		json_t *wrap = json_pack("{sO}", name, v);
		int rc = jcheck_string(wrap, name, NULL, J_REQUIRED, 1, max_len, e);
		json_decref(wrap);
		if (rc)
			return rc;
		if (pred && !pred(json_string_value(v)))
			return verr_set(e, NULL, name, "%s", what);
	}
	return 0;
}

int partner_validate(json_t *in, bool create, struct verr *e)
{
	if (jcheck_object(in, "body", e) || jcheck_known(in, NULL, partner_fields, e))
		return -1;
	if (jcheck_string(in, "name", NULL, create ? J_REQUIRED : J_OPTIONAL, 1, 200, e) ||
	    jcheck_enum(in, "kind", NULL, J_OPTIONAL, partner_kinds, e) ||
	    jcheck_string(in, "specialty", NULL, J_NULLABLE, 0, 200, e) ||
	    jcheck_string(in, "taxonomy_code", NULL, J_NULLABLE, 0, 10, e) ||
	    check_format(in, "taxonomy_code", NULL, valid_taxonomy_code,
			 "must be a NUCC taxonomy code such as 207RC0000X", e) ||
	    jcheck_string(in, "organization", NULL, J_NULLABLE, 0, 200, e) ||
	    jcheck_string(in, "phone", NULL, J_NULLABLE, 0, 40, e) ||
	    check_format(in, "phone", NULL, valid_phone, "must be a phone number (digits, spaces, + ( ) - .)", e) ||
	    jcheck_string(in, "email", NULL, J_NULLABLE, 0, 254, e) ||
	    check_format(in, "email", NULL, valid_email, "must be an email address such as office@example.org", e) ||
	    jcheck_bool(in, "in_network", NULL, J_OPTIONAL, e) ||
	    jcheck_enum(in, "stage", NULL, J_OPTIONAL, partner_stages, e) ||
	    jcheck_int(in, "owner_id", NULL, J_NULLABLE, 1, INT64_MAX, e) ||
	    jcheck_int(in, "checkin_days", NULL, J_NULLABLE, 1, 365, e) ||
	    jcheck_string(in, "goals_theirs", NULL, J_NULLABLE, 0, 10000, e) ||
	    jcheck_string(in, "goals_ours", NULL, J_NULLABLE, 0, 10000, e) ||
	    jcheck_string(in, "notes", NULL, J_NULLABLE, 0, 10000, e) ||
	    jcheck_enum(in, "source", NULL, J_NULLABLE, partner_sources, e) ||
	    jcheck_string(in, "services_theirs", NULL, J_NULLABLE, 0, 5000, e) ||
	    jcheck_string(in, "services_ours", NULL, J_NULLABLE, 0, 5000, e) ||
	    jcheck_int(in, "wait_days", NULL, J_NULLABLE, 0, 365, e) ||
	    jcheck_string(in, "capacity_note", NULL, J_NULLABLE, 0, 1000, e))
		return -1;
	json_t *ids = json_object_get(in, "identifiers");
	if (ids && check_identifiers(ids, e))
		return -1;
	if (check_string_array(in, "languages", 20, 35, valid_language_tag,
			       "must be a language tag such as en, ar or pt-BR", e) ||
	    check_string_array(in, "payers", 50, 100, NULL, NULL, e))
		return -1;
	json_t *addr = json_object_get(in, "address");
	if (addr && !json_is_null(addr)) {
		if (!json_is_object(addr))
			return verr_set(e, NULL, "address", "must be an object");
		if (jcheck_known(addr, "address.", address_fields, e) ||
		    jcheck_string(addr, "line", "address.", J_NULLABLE, 0, 300, e) ||
		    jcheck_string(addr, "city", "address.", J_NULLABLE, 0, 100, e) ||
		    jcheck_string(addr, "region", "address.", J_NULLABLE, 0, 100, e) ||
		    jcheck_string(addr, "postal_code", "address.", J_NULLABLE, 0, 20, e) ||
		    jcheck_string(addr, "country", "address.", J_NULLABLE, 0, 2, e) ||
		    check_format(addr, "country", "address.", valid_country,
				 "must be a two-letter country code such as US or SA", e))
			return -1;
	}
	return 0;
}

int contact_validate(json_t *in, bool create, struct verr *e)
{
	if (jcheck_object(in, "body", e) || jcheck_known(in, NULL, contact_fields, e))
		return -1;
	if (jcheck_string(in, "name", NULL, create ? J_REQUIRED : J_OPTIONAL, 1, 200, e) ||
	    jcheck_enum(in, "role", NULL, J_OPTIONAL, contact_roles, e) ||
	    jcheck_string(in, "phone", NULL, J_NULLABLE, 0, 40, e) ||
	    check_format(in, "phone", NULL, valid_phone, "must be a phone number (digits, spaces, + ( ) - .)", e) ||
	    jcheck_string(in, "email", NULL, J_NULLABLE, 0, 254, e) ||
	    check_format(in, "email", NULL, valid_email, "must be an email address such as office@example.org", e) ||
	    jcheck_enum(in, "preferred_channel", NULL, J_NULLABLE, contact_channels, e) ||
	    jcheck_string(in, "notes", NULL, J_NULLABLE, 0, 10000, e))
		return -1;
	return 0;
}
