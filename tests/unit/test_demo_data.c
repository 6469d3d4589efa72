/* test_demo_data: the demonstration network (io/demo_data.c) is large
 * enough, valid under the partner and contact rules, and shows off what it
 * is meant to (Arabic names and search, every stage, every kind). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "domain/npi.h"
#include "domain/partner.h"
#include "io/demo_data.h"
#include "util/text.h"

static int setup(void **state)
{
	*state = demo_partners();
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	json_decref(*state);
	return 0;
}

static const char *name_of(json_t *p)
{
	return json_string_value(json_object_get(p, "name"));
}

static void test_count(void **state)
{
	json_t *all = *state;
	assert_true(json_is_array(all));
	assert_true(json_array_size(all) >= 72);
}

static void test_partners_valid(void **state)
{
	json_t *all = *state;
	size_t i;
	json_t *p;

	json_array_foreach(all, i, p)
	{
		struct verr e = {0};
		const char *name = name_of(p);
		assert_non_null(name);
		assert_true(strlen(name) > 0);
		assert_null(json_object_get(p, "owner_id"));

		/* What the caller does: strip the contacts, create the partner. */
		json_t *body = json_deep_copy(p);
		assert_int_equal(json_object_del(body, "contacts"), 0);
		if (partner_validate(body, true, &e) != 0)
			fail_msg("partner %zu (%s): %s %s", i, name, e.field, e.message);
		json_decref(body);
	}
}

static void test_contacts_valid(void **state)
{
	json_t *all = *state;
	size_t i, j;
	json_t *p, *c;

	json_array_foreach(all, i, p)
	{
		json_t *contacts = json_object_get(p, "contacts");
		assert_true(json_is_array(contacts));
		assert_in_range(json_array_size(contacts), 1, 3);
		json_array_foreach(contacts, j, c)
		{
			struct verr e = {0};
			if (contact_validate(c, true, &e) != 0)
				fail_msg("partner %s, contact %zu: %s %s", name_of(p), j, e.field, e.message);
		}
	}
}

static void test_npis(void **state)
{
	json_t *all = *state;
	size_t i, j, npis = 0;
	json_t *p, *id;
	json_t *seen = json_object();

	json_array_foreach(all, i, p)
	{
		bool has_npi = false;
		json_array_foreach(json_object_get(p, "identifiers"), j, id)
		{
			const char *scheme = json_string_value(json_object_get(id, "scheme"));
			const char *value = json_string_value(json_object_get(id, "value"));
			if (strcmp(scheme, "npi") != 0)
				continue;
			if (!npi_valid(value))
				fail_msg("partner %s: NPI %s fails the check digit", name_of(p), value);
			assert_null(json_object_get(seen, value)); /* no two partners share one */
			json_object_set_new(seen, value, json_true());
			has_npi = true;
			npis++;
		}
		/* Every US partner has an NPI; Saudi partners do not. */
		const char *country = json_string_value(json_object_get(json_object_get(p, "address"), "country"));
		assert_non_null(country);
		assert_int_equal(has_npi, strcmp(country, "US") == 0);
	}
	assert_true(npis >= 40);
	json_decref(seen);
}

/* True when s holds a letter from the Arabic block (U+0600-U+06FF, whose
 * UTF-8 lead bytes are 0xD8-0xDB). */
static bool has_arabic(const char *s)
{
	for (const unsigned char *q = (const unsigned char *)s; *q; q++)
		if (*q >= 0xd8 && *q <= 0xdb)
			return true;
	return false;
}

static void test_arabic_names(void **state)
{
	json_t *all = *state;
	size_t i, arabic = 0, with_hamza = 0, without_hamza = 0, fold_match = 0;
	json_t *p;

	json_array_foreach(all, i, p)
	{
		const char *name = name_of(p);
		if (has_arabic(name))
			arabic++;
		if (strstr(name, "أحمد"))
			with_hamza++;
		if (strstr(name, "احمد"))
			without_hamza++;
		char *key = text_fold(name);
		assert_non_null(key);
		if (strstr(key, "احمد"))
			fold_match++;
		free(key);
	}
	assert_true(arabic >= 15);
	assert_true(with_hamza >= 1);
	assert_true(without_hamza >= 1);
	/* The folded search finds both spellings (and more). */
	assert_true(fold_match >= with_hamza + without_hamza);
}

static void test_saudi_partners(void **state)
{
	json_t *all = *state;
	size_t i, j, saudi = 0, scfhs = 0;
	json_t *p, *id, *lang;

	json_array_foreach(all, i, p)
	{
		const char *country = json_string_value(json_object_get(json_object_get(p, "address"), "country"));
		if (strcmp(country, "SA") != 0)
			continue;
		saudi++;
		bool ar = false;
		json_array_foreach(json_object_get(p, "languages"), j, lang) ar |=
		    strcmp(json_string_value(lang), "ar") == 0;
		assert_true(ar);
		json_array_foreach(json_object_get(p, "identifiers"), j, id)
		{
			if (strcmp(json_string_value(json_object_get(id, "scheme")), "scfhs") != 0)
				continue;
			scfhs++;
			assert_true(json_is_string(json_object_get(id, "expires_on")));
		}
	}
	assert_true(saudi >= 15);
	assert_true(scfhs >= 10);
}

static void test_stages_and_kinds(void **state)
{
	static const char *const kinds[] = {"physician",  "practice", "hospital",    "clinic",	"imaging",
					    "laboratory", "therapy",  "home_health", "pharmacy"};
	json_t *all = *state;

	for (size_t s = 0; partner_stages[s]; s++) {
		size_t i, n = 0;
		json_t *p;
		json_array_foreach(all, i, p) n +=
		    strcmp(json_string_value(json_object_get(p, "stage")), partner_stages[s]) == 0;
		if (n == 0)
			fail_msg("no partner in stage %s", partner_stages[s]);
	}
	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
		size_t i, n = 0;
		json_t *p;
		json_array_foreach(all, i, p) n += strcmp(json_string_value(json_object_get(p, "kind")), kinds[k]) == 0;
		if (n == 0)
			fail_msg("no partner of kind %s", kinds[k]);
	}
}

/* No silent duplicates (migration 011's unique index, the API's
 * possible_duplicate): no two demo partners share an identifier, keyed as
 * the service keys them, nor a folded name in one folded city. */
static void test_no_duplicates(void **state)
{
	json_t *all = *state;
	json_t *ids = json_object(), *places = json_object();
	size_t i, j;
	json_t *p, *id;
	json_array_foreach(all, i, p)
	{
		json_array_foreach(json_object_get(p, "identifiers"), j, id)
		{
			const char *value = json_string_value(json_object_get(id, "value"));
			char key[300], full[400];
			assert_true(strlen(value) < sizeof(key));
			identifier_key(value, key);
			snprintf(full, sizeof(full), "%s|%s", json_string_value(json_object_get(id, "scheme")), key);
			if (json_object_get(ids, full))
				fail_msg("partner %s: identifier %s is another demo partner's", name_of(p), full);
			json_object_set_new(ids, full, json_true());
		}
		const char *city = json_string_value(json_object_get(json_object_get(p, "address"), "city"));
		char *name_key = text_fold(name_of(p)), *city_key = text_fold(city ? city : "");
		char place[1000];
		snprintf(place, sizeof(place), "%s|%s", name_key, city_key);
		free(name_key);
		free(city_key);
		if (json_object_get(places, place))
			fail_msg("partner %s: another demo partner has its name in its city", name_of(p));
		json_object_set_new(places, place, json_true());
	}
	json_decref(ids);
	json_decref(places);
}

static void test_deterministic(void **state)
{
	json_t *again = demo_partners();
	assert_true(json_equal(*state, again));
	json_decref(again);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_count),
	    cmocka_unit_test(test_partners_valid),
	    cmocka_unit_test(test_contacts_valid),
	    cmocka_unit_test(test_npis),
	    cmocka_unit_test(test_arabic_names),
	    cmocka_unit_test(test_saudi_partners),
	    cmocka_unit_test(test_stages_and_kinds),
	    cmocka_unit_test(test_no_duplicates),
	    cmocka_unit_test(test_deterministic),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
