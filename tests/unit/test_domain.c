/* cmocka: title series/levels, skill levels, occupation codes, certificate numbers. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "ecert/alloc.h"
#include "ecert/data.h"
#include "ecert/domain.h"

#define NTHREADS 4
#define THREAD_ROUNDS 200

/* Whether s is well-formed UTF-8 (messages must stay printable and JSON-safe). */
static int utf8_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		int n = *p < 0x80 ? 0 : *p >= 0xF0 ? 3 : *p >= 0xE0 ? 2 : *p >= 0xC2 ? 1 : -1;

		if (n < 0)
			return 0;
		p++;
		while (n--) {
			if ((*p & 0xC0) != 0x80)
				return 0;
			p++;
		}
	}
	return 1;
}

static const struct ecert_domain *dom(void)
{
	const struct ecert_domain *d = NULL;
	struct ecert_error e;

	ecert_error_clear(&e);
	if (ecert_domain_default(&d, &e) != ECERT_OK)
		fail_msg("default tables: %s: %s", e.where, e.msg);
	return d;
}

/* Expected from domain/README.md and the notes in titles.json, written out independently
 * of the data file: series, track, level, title name, ordinal, band. */
static const struct {
	const char *series, *track, *level, *name;
	int ordinal;
	const char *band;
} title_tab[] = {
    {"工程", "工程", "员级", "技术员", 1, "初级"},
    {"工程", "工程", "助理级", "助理工程师", 2, "初级"},
    {"工程", "工程", "中级", "工程师", 3, "中级"},
    {"工程", "工程", "副高级", "高级工程师", 4, "高级"},
    {"工程", "工程", "正高级", "正高级工程师", 5, "高级"},
    {"农业", "农业", "员级", "技术员", 1, "初级"},
    {"农业", "农业", "助理级", "助理农艺师", 2, "初级"},
    {"农业", "农业", "助理级", "助理畜牧师", 2, "初级"},
    {"农业", "农业", "助理级", "助理兽医师", 2, "初级"},
    {"农业", "农业", "中级", "农艺师", 3, "中级"},
    {"农业", "农业", "中级", "畜牧师", 3, "中级"},
    {"农业", "农业", "中级", "兽医师", 3, "中级"},
    {"农业", "农业", "副高级", "高级农艺师", 4, "高级"},
    {"农业", "农业", "副高级", "高级畜牧师", 4, "高级"},
    {"农业", "农业", "副高级", "高级兽医师", 4, "高级"},
    {"农业", "农业", "正高级", "正高级农艺师", 5, "高级"},
    {"农业", "农业", "正高级", "正高级畜牧师", 5, "高级"},
    {"农业", "农业", "正高级", "正高级兽医师", 5, "高级"},
    {"工艺美术", "工艺美术", "员级", "工艺美术员", 1, "初级"},
    {"工艺美术", "工艺美术", "助理级", "助理工艺美术师", 2, "初级"},
    {"工艺美术", "工艺美术", "中级", "工艺美术师", 3, "中级"},
    {"工艺美术", "工艺美术", "副高级", "高级工艺美术师", 4, "高级"},
    {"工艺美术", "工艺美术", "正高级", "正高级工艺美术师", 5, "高级"},
    {"文物博物", "文物博物", "助理级", "助理馆员", 2, "初级"},
    {"文物博物", "文物博物", "中级", "馆员", 3, "中级"},
    {"文物博物", "文物博物", "副高级", "副研究馆员", 4, "高级"},
    {"文物博物", "文物博物", "正高级", "研究馆员", 5, "高级"},
    {"实验技术", "实验技术", "员级", "实验员", 1, "初级"},
    {"实验技术", "实验技术", "助理级", "助理实验师", 2, "初级"},
    {"实验技术", "实验技术", "中级", "实验师", 3, "中级"},
    {"实验技术", "实验技术", "副高级", "高级实验师", 4, "高级"},
    {"实验技术", "实验技术", "正高级", "正高级实验师", 5, "高级"},
    {"艺术", "演员", "助理级", "四级演员", 2, "初级"},
    {"艺术", "演员", "中级", "三级演员", 3, "中级"},
    {"艺术", "演员", "副高级", "二级演员", 4, "高级"},
    {"艺术", "演员", "正高级", "一级演员", 5, "高级"},
    {"艺术", "演奏员", "助理级", "四级演奏员", 2, "初级"},
    {"艺术", "演奏员", "正高级", "一级演奏员", 5, "高级"},
    {"艺术", "编剧", "中级", "三级编剧", 3, "中级"},
    {"艺术", "导演", "副高级", "二级导演", 4, "高级"},
    {"艺术", "美术师", "正高级", "一级美术师", 5, "高级"},
    {"艺术", "舞台技术", "助理级", "四级舞台技术", 2, "初级"},
    {"艺术", "舞台技术", "正高级", "一级舞台技术", 5, "高级"},
    {"体育", "教练员", "助理级", "初级教练", 2, "初级"},
    {"体育", "教练员", "中级", "中级教练", 3, "中级"},
    {"体育", "教练员", "助理级", "三级教练", 2, "初级"},
    {"体育", "教练员", "中级", "二级教练", 3, "中级"},
    {"体育", "教练员", "副高级", "高级教练", 4, "高级"},
    {"体育", "教练员", "正高级", "国家级教练", 5, "高级"},
    {"体育", "运动防护师", "正高级", "正高级运动防护师", 5, "高级"},
    {"技工院校教师", "讲师", "助理级", "助理讲师", 2, "初级"},
    {"技工院校教师", "讲师", "中级", "讲师", 3, "中级"},
    {"技工院校教师", "讲师", "副高级", "高级讲师", 4, "高级"},
    {"技工院校教师", "讲师", "正高级", "正高级讲师", 5, "高级"},
    {"技工院校教师", "实习指导教师", "员级", "三级实习指导教师", 1, "初级"},
    {"技工院校教师", "实习指导教师", "助理级", "二级实习指导教师", 2, "初级"},
    {"技工院校教师", "实习指导教师", "中级", "一级实习指导教师", 3, "中级"},
    {"技工院校教师", "实习指导教师", "副高级", "高级实习指导教师", 4, "高级"},
    {"技工院校教师", "实习指导教师", "正高级", "正高级实习指导教师", 5, "高级"},
    {"会计", "会计", "中级", "会计师", 3, "中级"},
    {"经济", "经济", "副高级", "高级经济师", 4, "高级"},
};

static const char *const policy_series[] = {"工程",     "农业", "工艺美术", "文物博物",
                                            "实验技术", "艺术", "体育",     "技工院校教师"};

/* Run first: a load that fails for want of memory is not remembered. */
static void test_default_retries(void **state)
{
	const struct ecert_domain *d = NULL;
	struct ecert_error e;

	(void)state;
	ecert_error_clear(&e);
	ecert_alloc_fail_after(0);
	assert_int_equal(ecert_domain_default(&d, &e), ECERT_ERR_NOMEM);
	ecert_alloc_fail_after(-1);
	assert_null(d);
	assert_int_equal(ecert_domain_default(&d, &e), ECERT_OK);
	assert_non_null(d);
}

static void *thread_body(void *arg)
{
	long bad = 0;

	(void)arg;
	for (int r = 0; r < THREAD_ROUNDS; r++) {
		const struct ecert_domain *d = NULL;
		struct ecert_title_level t;
		struct ecert_skill_level s;
		struct ecert_error e;

		if (ecert_domain_default(&d, &e) != ECERT_OK) {
			bad++;
			continue;
		}
		if (ecert_domain_title_check(d, "技工院校教师", "助理级", "二级实习指导教师", &t,
		                             &e) != ECERT_OK ||
		    t.ordinal != 2 || strcmp(t.track, "实习指导教师") != 0)
			bad++;
		if (ecert_domain_skill_check(d, "二级", "技师", &s, &e) != ECERT_OK ||
		    s.ordinal != 4)
			bad++;
		if (ecert_domain_title_check(d, "工程", "中级", "助理工程师", &t, &e) !=
		    ECERT_ERR_INVALID)
			bad++;
	}
	return (void *)bad;
}

static void test_threads(void **state)
{
	pthread_t th[NTHREADS];

	(void)state;
	for (int i = 0; i < NTHREADS; i++)
		assert_int_equal(pthread_create(&th[i], NULL, thread_body, NULL), 0);
	for (int i = 0; i < NTHREADS; i++) {
		void *res;

		assert_int_equal(pthread_join(th[i], &res), 0);
		assert_null(res);
	}
}

static void test_every_title(void **state)
{
	const struct ecert_domain *d = dom();

	(void)state;
	for (size_t i = 0; i < sizeof(title_tab) / sizeof(title_tab[0]); i++) {
		struct ecert_title_level t;
		struct ecert_error e;

		memset(&t, 0, sizeof(t));
		ecert_error_clear(&e);
		if (ecert_domain_title_check(d, title_tab[i].series, title_tab[i].level,
		                             title_tab[i].name, &t, &e) != ECERT_OK)
			fail_msg("%s %s %s: %s: %s", title_tab[i].series, title_tab[i].level,
			         title_tab[i].name, e.where, e.msg);
		assert_string_equal(t.series, title_tab[i].series);
		assert_string_equal(t.track, title_tab[i].track);
		assert_string_equal(t.level, title_tab[i].level);
		assert_string_equal(t.band, title_tab[i].band);
		assert_int_equal(t.ordinal, title_tab[i].ordinal);
		/* the name alone finds the same level */
		memset(&t, 0, sizeof(t));
		assert_int_equal(
		    ecert_domain_title_lookup(d, title_tab[i].series, title_tab[i].name, &t, NULL),
		    ECERT_OK);
		assert_int_equal(t.ordinal, title_tab[i].ordinal);
	}
}

static void test_every_art_track(void **state)
{
	static const char *const x[] = {"演员",     "演奏员",   "编剧",   "导演",
	                                "指挥",     "作曲",     "美术师", "舞美设计师",
	                                "文学创作", "舞台技术", "录音师", "剪辑师"};
	static const char *const prefix[] = {"四级", "三级", "二级", "一级"};
	static const char *const level[] = {"助理级", "中级", "副高级", "正高级"};
	const struct ecert_domain *d = dom();
	char name[64];

	(void)state;
	for (size_t i = 0; i < sizeof(x) / sizeof(x[0]); i++) {
		for (int k = 0; k < 4; k++) {
			struct ecert_title_level t;

			snprintf(name, sizeof(name), "%s%s", prefix[k], x[i]);
			if (ecert_domain_title_check(d, "艺术", level[k], name, &t, NULL) !=
			    ECERT_OK)
				fail_msg("艺术 %s %s", level[k], name);
			assert_string_equal(t.track, x[i]);
			assert_int_equal(t.ordinal, k + 2);
		}
	}
}

static void test_series(void **state)
{
	const struct ecert_domain *d = dom();
	struct ecert_error e;
	int scope = -1;

	(void)state;
	for (size_t i = 0; i < sizeof(policy_series) / sizeof(policy_series[0]); i++) {
		assert_int_equal(ecert_domain_series(d, policy_series[i], &scope, NULL), ECERT_OK);
		assert_int_equal(scope, 1);
	}
	assert_int_equal(ecert_domain_series(d, "会计", &scope, NULL), ECERT_OK);
	assert_int_equal(scope, 0);
	ecert_error_clear(&e);
	assert_int_equal(ecert_domain_series(d, "卫生", &scope, &e), ECERT_ERR_INVALID);
	assert_string_equal(e.where, "series");
	assert_non_null(strstr(e.msg, "工程"));
}

static void test_levels(void **state)
{
	static const char *const lv[] = {"员级", "助理级", "中级", "副高级", "正高级"};
	const struct ecert_domain *d = dom();
	const char *band;
	int ord;
	struct ecert_error e;

	(void)state;
	for (int i = 0; i < 5; i++) {
		assert_int_equal(ecert_domain_title_level(d, lv[i], &ord, &band, NULL), ECERT_OK);
		assert_int_equal(ord, i + 1);
		assert_string_equal(band, i < 2 ? "初级" : i == 2 ? "中级" : "高级");
	}
	ecert_error_clear(&e);
	assert_int_equal(ecert_domain_title_level(d, "初级", &ord, &band, &e), ECERT_ERR_INVALID);
	assert_string_equal(e.where, "level");
	assert_non_null(strstr(e.msg, "员级, 助理级, 中级, 副高级, 正高级"));
}

static void expect_title_fail(const char *series, const char *level, const char *name,
                              const char *field, const char *msg_part)
{
	struct ecert_title_level t;
	struct ecert_error e;

	ecert_error_clear(&e);
	if (ecert_domain_title_check(dom(), series, level, name, &t, &e) != ECERT_ERR_INVALID)
		fail_msg("accepted %s %s %s", series, level, name);
	if (strcmp(e.where, field) != 0)
		fail_msg("%s %s %s: blamed %s, want %s", series, level, name, e.where, field);
	if (!strstr(e.msg, msg_part))
		fail_msg("%s %s %s: message \"%s\" lacks \"%s\"", series, level, name, e.msg,
		         msg_part);
}

static void test_wrong_title_combos(void **state)
{
	(void)state;
	/* a name of another level of the same series */
	expect_title_fail("工程", "中级", "助理工程师", "titleName", "is a 助理级 title of 工程");
	expect_title_fail("技工院校教师", "中级", "二级实习指导教师", "titleName", "助理级");
	/* a name of another series */
	expect_title_fail("工程", "中级", "农艺师", "titleName", "expected 工程师");
	expect_title_fail("农业", "中级", "工程师", "titleName", "农艺师, 畜牧师, 兽医师");
	/* the level a series lacks */
	expect_title_fail("文物博物", "员级", "管理员", "level", "no 员级 titles");
	expect_title_fail("艺术", "员级", "四级演员", "level", "no 员级 titles");
	expect_title_fail("体育", "员级", "三级教练", "level", "no 员级 titles");
	/* 技工院校教师 has 员级 on the 实习指导教师 track only */
	expect_title_fail("技工院校教师", "员级", "助理讲师", "titleName", "is a 助理级 title");
	expect_title_fail("技工院校教师", "员级", "讲师员", "titleName", "三级实习指导教师");
	/* unknown series and levels */
	expect_title_fail("卫生", "中级", "主治医师", "series", "unknown title series");
	expect_title_fail("工程", "初级", "技术员", "level", "unknown title level");
	expect_title_fail("工程", "高级", "高级工程师", "level", "unknown title level");
	/* near misses */
	expect_title_fail("工程", "中级", "工程师 ", "titleName", "expected 工程师");
	expect_title_fail("艺术", "正高级", "国家一级演员", "titleName", "一级演员");
	expect_title_fail("工程", "中级", NULL, "titleName", "expected 工程师");
	{
		struct ecert_error e;

		ecert_error_clear(&e);
		assert_int_equal(ecert_domain_title_lookup(dom(), "工程", "农艺师", NULL, &e),
		                 ECERT_ERR_INVALID);
		assert_string_equal(e.where, "titleName");
	}
}

static void test_messages_stay_utf8(void **state)
{
	char name[1 + 3 * 25 + 1];
	struct ecert_error e;

	(void)state;
	/* one ASCII byte first, so that byte 60 falls inside a character */
	name[0] = 'a';
	for (int i = 0; i < 25; i++)
		memcpy(name + 1 + 3 * i, "吉", 3);
	name[1 + 3 * 25] = '\0';
	ecert_error_clear(&e);
	assert_int_equal(ecert_domain_series(dom(), name, NULL, &e), ECERT_ERR_INVALID);
	assert_true(utf8_ok(e.msg));
	/* 60 bytes would end inside the 20th character: 19 are shown */
	assert_non_null(strstr(e.msg, "\"a吉吉吉吉吉吉吉吉吉吉吉吉吉吉吉吉吉吉吉\""));
	ecert_error_clear(&e);
	assert_int_equal(ecert_domain_title_check(dom(), "艺术", "中级", name, NULL, &e),
	                 ECERT_ERR_INVALID);
	assert_true(utf8_ok(e.msg));
	ecert_error_clear(&e);
	assert_int_equal(ecert_domain_title_number_check(name, &e), ECERT_ERR_INVALID);
	assert_true(utf8_ok(e.msg));
	ecert_error_clear(&e);
	assert_int_equal(ecert_domain_occupation_code_check(name, 0, &e), ECERT_ERR_INVALID);
	assert_true(utf8_ok(e.msg));
}

static void test_skill_levels(void **state)
{
	static const struct {
		const char *level, *name;
		int ordinal;
	} tab[] = {
	    {"五级", "初级工", 1},       {"四级", "中级工", 2},   {"三级", "高级工", 3},
	    {"二级", "技师", 4},         {"一级", "高级技师", 5}, {"特级技师", "特级技师", 6},
	    {"首席技师", "首席技师", 7},
	};
	const struct ecert_domain *d = dom();
	struct ecert_skill_level s;
	struct ecert_error e;
	char both[64];

	(void)state;
	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		assert_int_equal(ecert_domain_skill_check(d, tab[i].level, tab[i].name, &s, NULL),
		                 ECERT_OK);
		assert_int_equal(s.ordinal, tab[i].ordinal);
		assert_string_equal(s.level_name, tab[i].name);
		/* lookups by level, by name, and by "level/name" */
		assert_int_equal(ecert_domain_skill_lookup(d, tab[i].level, &s, NULL), ECERT_OK);
		assert_int_equal(s.ordinal, tab[i].ordinal);
		assert_int_equal(ecert_domain_skill_lookup(d, tab[i].name, &s, NULL), ECERT_OK);
		assert_int_equal(s.ordinal, tab[i].ordinal);
		snprintf(both, sizeof(both), "%s/%s", tab[i].level, tab[i].name);
		assert_int_equal(ecert_domain_skill_lookup(d, both, &s, NULL), ECERT_OK);
		assert_int_equal(s.ordinal, tab[i].ordinal);
	}
	ecert_error_clear(&e);
	assert_int_equal(ecert_domain_skill_check(d, "二级", "高级技师", &s, &e),
	                 ECERT_ERR_INVALID);
	assert_string_equal(e.where, "levelName");
	assert_non_null(strstr(e.msg, "技师"));
	ecert_error_clear(&e);
	assert_int_equal(ecert_domain_skill_check(d, "技师", "技师", &s, &e), ECERT_ERR_INVALID);
	assert_string_equal(e.where, "level");
	assert_non_null(strstr(e.msg, "the level is 二级"));
	ecert_error_clear(&e);
	assert_int_equal(ecert_domain_skill_check(d, "特级技师", "技师", &s, &e),
	                 ECERT_ERR_INVALID);
	assert_string_equal(e.where, "levelName");
	ecert_error_clear(&e);
	assert_int_equal(ecert_domain_skill_check(d, "学徒工", "学徒工", &s, &e),
	                 ECERT_ERR_INVALID);
	assert_string_equal(e.where, "level");
	assert_non_null(strstr(e.msg, "五级"));
	assert_int_equal(ecert_domain_skill_check(d, "六级", "初级工", &s, NULL),
	                 ECERT_ERR_INVALID);
	assert_int_equal(ecert_domain_skill_lookup(d, "二级/高级技师", &s, NULL),
	                 ECERT_ERR_INVALID);
	assert_int_equal(ecert_domain_skill_lookup(d, "二级/", &s, NULL), ECERT_ERR_INVALID);
	assert_int_equal(ecert_domain_skill_lookup(d, NULL, &s, NULL), ECERT_ERR_INVALID);
}

static void test_occupation_codes(void **state)
{
	static const char *const good[] = {"6-18-01-01", "4-12-01-01", "1-01-00-01", "8-00-00-00",
	                                   "2-02-10-99"};
	static const char *const bad[] = {
	    "6-18-01",     "6-18-1-01",   "9-18-01-01", "0-18-01-01",  "6-18-01-01-01",
	    "6-18-01-0a",  " 6-18-01-01", "6_18_01_01", "61801 01",    "",
	    "6-18-01-01 ", "６-18-01-01", "6-18-01-",   "6--18-01-01", "06-18-01-01",
	};
	static const char *const prefixes[] = {"6", "6-18", "6-18-01"};
	static const char *const bad_prefixes[] = {"6-", "6-1", "6-18-0", "", "9", "6-18-01-"};
	struct ecert_error e;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(ecert_domain_occupation_code_check(good[i], 0, NULL), ECERT_OK);
		assert_int_equal(ecert_domain_occupation_code_check(good[i], 1, NULL), ECERT_OK);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ecert_error_clear(&e);
		if (ecert_domain_occupation_code_check(bad[i], 0, &e) != ECERT_ERR_INVALID)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_string_equal(e.where, "occupationCode");
	}
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		assert_int_equal(ecert_domain_occupation_code_check(prefixes[i], 1, NULL),
		                 ECERT_OK);
		assert_int_equal(ecert_domain_occupation_code_check(prefixes[i], 0, NULL),
		                 ECERT_ERR_INVALID);
	}
	for (size_t i = 0; i < sizeof(bad_prefixes) / sizeof(bad_prefixes[0]); i++) {
		if (ecert_domain_occupation_code_check(bad_prefixes[i], 1, NULL) !=
		    ECERT_ERR_INVALID)
			fail_msg("accepted prefix \"%s\"", bad_prefixes[i]);
	}
	assert_int_equal(ecert_domain_occupation_code_check(NULL, 1, NULL), ECERT_ERR_INVALID);
}

static void expect_number(const char *number, const char *kind, const char *level, int rc,
                          const char *field)
{
	struct ecert_error e;
	int got;

	ecert_error_clear(&e);
	got = ecert_domain_skill_number_check(dom(), number, kind, level, &e);
	if (got != rc)
		fail_msg("%s %s %s: rc %d (%s), want %d", number ? number : "(null)", kind, level,
		         got, e.msg, rc);
	if (field && strcmp(e.where, field) != 0)
		fail_msg("%s: blamed %s, want %s", number, e.where, field);
}

static void test_skill_numbers(void **state)
{
	const char *const K = "职业技能等级证书", *const Q = "职业资格证书";

	(void)state;
	/* DESIGN's example record and domain/README.md's example shape */
	expect_number("S000022000001193000001", K, "三级", ECERT_OK, NULL);
	expect_number("Y000122000001235000001", K, "五级", ECERT_OK, NULL);
	expect_number("Y000122000001231000001", K, "一级", ECERT_OK, NULL);
	/* the level digit must be the level's */
	expect_number("S000022000001193000001", K, "二级", ECERT_ERR_INVALID, "certificateNumber");
	expect_number("Y000122000001235000001", K, "一级", ECERT_ERR_INVALID, "certificateNumber");
	/* first letter, length, characters */
	expect_number("X000022000001193000001", K, "三级", ECERT_ERR_INVALID, "certificateNumber");
	expect_number("s000022000001193000001", K, "三级", ECERT_ERR_INVALID, "certificateNumber");
	expect_number("S00002200000119300000", K, "三级", ECERT_ERR_INVALID, "certificateNumber");
	expect_number("S0000220000011930000011", K, "三级", ECERT_ERR_INVALID, "certificateNumber");
	expect_number("S00002200000119300000A", K, "三级", ECERT_ERR_INVALID, "certificateNumber");
	expect_number("S000022-00001193000001", K, "三级", ECERT_ERR_INVALID, "certificateNumber");
	expect_number("", K, "三级", ECERT_ERR_INVALID, "certificateNumber");
	expect_number(NULL, K, "三级", ECERT_ERR_INVALID, "certificateNumber");
	/* 特级技师 and 首席技师: two capital letters and 20 digits */
	expect_number("TJ00002200000124000001", K, "特级技师", ECERT_OK, NULL);
	expect_number("SX00002200000124000001", K, "首席技师", ECERT_OK, NULL);
	expect_number("S000022000001240000011", K, "特级技师", ECERT_ERR_INVALID,
	              "certificateNumber");
	expect_number("T100002200000124000001", K, "特级技师", ECERT_ERR_INVALID,
	              "certificateNumber");
	expect_number("Tj00002200000124000001", K, "特级技师", ECERT_ERR_INVALID,
	              "certificateNumber");
	/* older 职业资格证书: 16 digits, levels 五级 … 一级 */
	expect_number("1122000000123456", Q, "三级", ECERT_OK, NULL);
	expect_number("112200000012345", Q, "三级", ECERT_ERR_INVALID, "certificateNumber");
	expect_number("11220000001234567", Q, "三级", ECERT_ERR_INVALID, "certificateNumber");
	expect_number("112200000012345X", Q, "三级", ECERT_ERR_INVALID, "certificateNumber");
	expect_number("S000022000001193000001", Q, "三级", ECERT_ERR_INVALID, "certificateNumber");
	expect_number("1122000000123456", Q, "特级技师", ECERT_ERR_INVALID, "certificateKind");
	expect_number("1122000000123456", K, "三级", ECERT_ERR_INVALID, "certificateNumber");
	/* unknown kind or level */
	expect_number("S000022000001193000001", "技能证书", "三级", ECERT_ERR_INVALID,
	              "certificateKind");
	expect_number("S000022000001193000001", K, "高级工", ECERT_ERR_INVALID, "level");
}

static void test_title_numbers(void **state)
{
	static const char *const good[] = {"JL-GC-2024-000123", "2024000123", "a",
	                                   "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij0123", "-"};
	static const char *const bad[] = {
	    "",
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij01234",
	    "吉GC2024001",
	    "JL GC 2024",
	    "JL_GC_2024",
	    "JL/2024",
	    "JL-2024\n",
	};
	struct ecert_error e;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_int_equal(ecert_domain_title_number_check(good[i], NULL), ECERT_OK);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ecert_error_clear(&e);
		if (ecert_domain_title_number_check(bad[i], &e) != ECERT_ERR_INVALID)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_string_equal(e.where, "certificateNumber");
	}
	assert_int_equal(ecert_domain_title_number_check(NULL, NULL), ECERT_ERR_INVALID);
}

static void test_load_files(void **state)
{
	struct ecert_domain *d = NULL;
	struct ecert_title_level t;
	struct ecert_error e;

	(void)state;
	ecert_error_clear(&e);
	if (ecert_domain_load(ECERT_TEST_DATA "/../schemas/data/titles.json",
	                      ECERT_TEST_DATA "/../schemas/data/skill-levels.json", &d,
	                      &e) != ECERT_OK)
		fail_msg("%s: %s", e.where, e.msg);
	assert_int_equal(ecert_domain_title_check(d, "工程", "正高级", "正高级工程师", &t, NULL),
	                 ECERT_OK);
	assert_int_equal(t.ordinal, 5);
	ecert_domain_free(d);
	ecert_domain_free(NULL);
	/* the embedded copy */
	d = NULL;
	assert_int_equal(ecert_domain_load(NULL, NULL, &d, NULL), ECERT_OK);
	ecert_domain_free(d);
	ecert_error_clear(&e);
	assert_int_equal(ecert_domain_load("/nonexistent/titles.json", NULL, &d, &e), ECERT_ERR_IO);
}

/* Parse the embedded table, let `mutate` break it, and expect the loader to refuse. */
static cJSON *embedded(const char *path)
{
	size_t len = 0;
	const unsigned char *p = ecert_data_get(path, &len);
	cJSON *t;

	assert_non_null(p);
	t = cJSON_ParseWithLength((const char *)p, len);
	assert_non_null(t);
	return t;
}

static void expect_load_fail(cJSON *titles, cJSON *skills, const char *where_part)
{
	struct ecert_domain *d = NULL;
	struct ecert_error e;

	ecert_error_clear(&e);
	assert_int_equal(ecert_domain_load_json(titles, skills, &d, &e), ECERT_ERR_SCHEMA);
	assert_null(d);
	if (!strstr(e.where, where_part))
		fail_msg("where \"%s\" lacks \"%s\" (%s)", e.where, where_part, e.msg);
	cJSON_Delete(titles);
	cJSON_Delete(skills);
}

static cJSON *track0(cJSON *titles, int series)
{
	cJSON *s = cJSON_GetArrayItem(cJSON_GetObjectItem(titles, "series"), series);

	return cJSON_GetArrayItem(cJSON_GetObjectItem(s, "tracks"), 0);
}

static void test_load_rejects_broken_tables(void **state)
{
	cJSON *t, *s;
	struct ecert_domain *d = NULL;

	(void)state;
	/* good as embedded */
	t = embedded(ECERT_DOMAIN_TITLES_FILE);
	s = embedded(ECERT_DOMAIN_SKILLS_FILE);
	assert_int_equal(ecert_domain_load_json(t, s, &d, NULL), ECERT_OK);
	ecert_domain_free(d);
	/* a level neither in titles nor in lacks (工程 loses 员级) */
	cJSON_DeleteItemFromObject(cJSON_GetObjectItem(track0(t, 0), "titles"), "员级");
	expect_load_fail(t, s, "series[0].tracks[0]");
	/* a level both in titles and in lacks */
	t = embedded(ECERT_DOMAIN_TITLES_FILE);
	s = embedded(ECERT_DOMAIN_SKILLS_FILE);
	cJSON_AddItemToArray(cJSON_GetObjectItem(track0(t, 0), "lacks"),
	                     cJSON_CreateString("中级"));
	expect_load_fail(t, s, "series[0].tracks[0]");
	/* one name at two levels of a series */
	t = embedded(ECERT_DOMAIN_TITLES_FILE);
	s = embedded(ECERT_DOMAIN_SKILLS_FILE);
	cJSON_AddItemToArray(
	    cJSON_GetObjectItem(cJSON_GetObjectItem(track0(t, 0), "titles"), "中级"),
	    cJSON_CreateString("技术员"));
	expect_load_fail(t, s, "series[0]");
	/* an unknown level */
	t = embedded(ECERT_DOMAIN_TITLES_FILE);
	s = embedded(ECERT_DOMAIN_SKILLS_FILE);
	cJSON_AddItemToObject(cJSON_GetObjectItem(track0(t, 1), "titles"), "特级",
	                      cJSON_CreateStringArray((const char *[]){"x"}, 1));
	expect_load_fail(t, s, "series[1].tracks[0].titles.特级");
	/* a duplicate series */
	t = embedded(ECERT_DOMAIN_TITLES_FILE);
	s = embedded(ECERT_DOMAIN_SKILLS_FILE);
	cJSON_AddItemToArray(
	    cJSON_GetObjectItem(t, "series"),
	    cJSON_Duplicate(cJSON_GetArrayItem(cJSON_GetObjectItem(t, "series"), 0), 1));
	expect_load_fail(t, s, "series[");
	/* skills: a duplicate ordinal */
	t = embedded(ECERT_DOMAIN_TITLES_FILE);
	s = embedded(ECERT_DOMAIN_SKILLS_FILE);
	cJSON_SetNumberValue(
	    cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(s, "levels"), 1), "ordinal"),
	    1);
	expect_load_fail(t, s, "levels[1]");
	/* skills: a kind naming an unknown level */
	t = embedded(ECERT_DOMAIN_TITLES_FILE);
	s = embedded(ECERT_DOMAIN_SKILLS_FILE);
	cJSON_AddItemToArray(
	    cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(s, "certificateKinds"), 0),
	                        "levels"),
	    cJSON_CreateString("学徒工"));
	expect_load_fail(t, s, "certificateKinds[0]");
	/* skills: an unknown number form */
	t = embedded(ECERT_DOMAIN_TITLES_FILE);
	s = embedded(ECERT_DOMAIN_SKILLS_FILE);
	cJSON_ReplaceItemInObject(cJSON_GetArrayItem(cJSON_GetObjectItem(s, "certificateKinds"), 0),
	                          "numberForm", cJSON_CreateString("free"));
	expect_load_fail(t, s, "certificateKinds[0]");
	/* not objects at all */
	expect_load_fail(cJSON_CreateArray(), embedded(ECERT_DOMAIN_SKILLS_FILE), "(root)");
}

static void test_alloc_failure(void **state)
{
	struct ecert_domain *d = NULL;
	int ok = 0;

	(void)state;
	for (long n = 0; n < 100000 && !ok; n++) {
		int rc;

		ecert_alloc_fail_after(n);
		rc = ecert_domain_load(NULL, NULL, &d, NULL);
		ecert_alloc_fail_after(-1);
		if (rc == ECERT_OK)
			ok = 1;
		else
			assert_int_equal(rc, ECERT_ERR_NOMEM);
	}
	assert_true(ok);
	ecert_domain_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_default_retries),
	    cmocka_unit_test(test_threads),
	    cmocka_unit_test(test_every_title),
	    cmocka_unit_test(test_every_art_track),
	    cmocka_unit_test(test_series),
	    cmocka_unit_test(test_levels),
	    cmocka_unit_test(test_wrong_title_combos),
	    cmocka_unit_test(test_messages_stay_utf8),
	    cmocka_unit_test(test_skill_levels),
	    cmocka_unit_test(test_occupation_codes),
	    cmocka_unit_test(test_skill_numbers),
	    cmocka_unit_test(test_title_numbers),
	    cmocka_unit_test(test_load_files),
	    cmocka_unit_test(test_load_rejects_broken_tables),
	    cmocka_unit_test(test_alloc_failure),
	};
	ecert_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
