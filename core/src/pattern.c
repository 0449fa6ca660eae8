/* ecert — the patterns of JSON Schema "pattern", matched without backtracking; see
 * ecert/pattern.h for the syntax and the byte semantics.
 *
 * Compiling: a recursive-descent parser builds a small syntax tree; the tree becomes a
 * Thompson NFA (byte-set, split, ^ and $ states), {n,m} by copying its operand; then the
 * subset construction turns the NFA into a DFA over byte classes (bytes that every set of
 * the pattern treats alike). Matching is a search anywhere in the subject, so every step
 * also re-enters the NFA's start ("unanchored"); ^ holds only before the first byte and
 * $ only after the last. A DFA state that contains the match state means a match (stop:
 * yes), one from which no match is reachable means none (stop: no). When the DFA would
 * pass DFA_CELLS_MAX the pattern keeps its NFA and matching simulates the state set,
 * O(bytes × states) — slower, still linear. */
#include <stdint.h>
#include <string.h>

#include "ecert/alloc.h"
#include "ecert/pattern.h"
#include "utf8clip.h"

/* NFA states of one pattern ({n,m} copies its operand, so this bounds the expansion). */
#define NFA_MAX 2048
#define SET_WORDS (NFA_MAX / 64)
/* Parentheses nesting, and the height of the syntax tree: bound the recursion. */
#define NEST_MAX 32
#define TREE_HEIGHT_MAX 64
/* Tree nodes visited while building the NFA: {0}{255}{255}… copies nothing, yet would
 * take long to copy. */
#define BUILD_STEPS_MAX (1L << 20)
/* DFA size bounds (states × byte classes, and states); past them the NFA is simulated. */
#define DFA_CELLS_MAX 16384
#define DFA_STATES_MAX 2048
/* How much of a refused pattern a message quotes. */
#define SHOWN_MAX 60

/* ------------------------------------------------------------------ byte sets */

struct byteset {
	uint64_t w[4];
};

static void bs_add(struct byteset *s, unsigned b)
{
	s->w[b >> 6] |= 1ULL << (b & 63);
}

static void bs_range(struct byteset *s, unsigned lo, unsigned hi)
{
	for (unsigned b = lo; b <= hi; b++)
		bs_add(s, b);
}

static int bs_has(const struct byteset *s, unsigned b)
{
	return (int)((s->w[b >> 6] >> (b & 63)) & 1);
}

/* The character classes of the C locale: ASCII only, as <ctype.h> there. */
static int add_class(struct byteset *s, const char *name, size_t len)
{
#define IS(n) (len == sizeof(n) - 1 && memcmp(name, n, len) == 0)
	if (IS("alpha") || IS("alnum") || IS("upper") || IS("graph") || IS("print"))
		bs_range(s, 'A', 'Z');
	if (IS("alpha") || IS("alnum") || IS("lower") || IS("graph") || IS("print"))
		bs_range(s, 'a', 'z');
	if (IS("digit") || IS("alnum") || IS("xdigit") || IS("graph") || IS("print"))
		bs_range(s, '0', '9');
	if (IS("xdigit")) {
		bs_range(s, 'A', 'F');
		bs_range(s, 'a', 'f');
	} else if (IS("space")) {
		bs_range(s, '\t', '\r');
		bs_add(s, ' ');
	} else if (IS("blank")) {
		bs_add(s, '\t');
		bs_add(s, ' ');
	} else if (IS("cntrl")) {
		bs_range(s, 0x00, 0x1f);
		bs_add(s, 0x7f);
	} else if (IS("punct") || IS("graph") || IS("print")) {
		bs_range(s, '!', '/');
		bs_range(s, ':', '@');
		bs_range(s, '[', '`');
		bs_range(s, '{', '~');
		if (IS("print"))
			bs_add(s, ' ');
	} else if (!IS("alpha") && !IS("alnum") && !IS("upper") && !IS("lower") && !IS("digit")) {
		return -1;
	}
	return 0;
#undef IS
}

/* ------------------------------------------------------------------ parsing */

enum ast_op { A_EMPTY, A_SET, A_BOL, A_EOL, A_CAT, A_ALT, A_REPEAT };

/* A_CAT and A_ALT keep their operands in a list (kid, then next); A_CAT's runs from the
 * last operand to the first, the order the NFA is built in. */
struct ast {
	enum ast_op op;
	int kid;      /* A_CAT, A_ALT: first of the list; A_REPEAT: the operand */
	int next;     /* next in the enclosing list, -1 at its end */
	int set;      /* A_SET: index into the parser's sets */
	int min, max; /* A_REPEAT: max -1 = unbounded */
	int height;
};

enum refusal { R_NONE, R_SYNTAX, R_ESCAPE, R_SUBSET, R_NOMEM };

struct parser {
	const unsigned char *p;
	struct ast *ast;
	int nast, astcap;
	struct byteset *sets;
	int nsets, setcap;
	int depth;
	enum refusal why;
	const char *what; /* R_SUBSET: what is outside the subset */
};

/* What an atom was, for the quantifier after it. */
enum atom_kind { ATOM_PLAIN, ATOM_ANCHOR, ATOM_HIGH_BYTE };

static int refuse(struct parser *ps, enum refusal why, const char *what)
{
	ps->why = why;
	ps->what = what;
	return -1;
}

static int new_node(struct parser *ps, enum ast_op op)
{
	struct ast *a;

	if (ps->nast == ps->astcap) {
		int cap = ps->astcap ? 2 * ps->astcap : 32;

		a = ecert_realloc(ps->ast, (size_t)cap * sizeof(*a));
		if (!a)
			return refuse(ps, R_NOMEM, NULL);
		ps->ast = a;
		ps->astcap = cap;
	}
	a = &ps->ast[ps->nast];
	memset(a, 0, sizeof(*a));
	a->op = op;
	a->kid = a->next = a->set = -1;
	a->height = 1;
	return ps->nast++;
}

/* A node with the next free byte set, cleared. */
static int new_set_node(struct parser *ps)
{
	int n = new_node(ps, A_SET);

	if (n < 0)
		return -1;
	if (ps->nsets == ps->setcap) {
		int cap = ps->setcap ? 2 * ps->setcap : 16;
		struct byteset *s = ecert_realloc(ps->sets, (size_t)cap * sizeof(*s));

		if (!s)
			return refuse(ps, R_NOMEM, NULL);
		ps->sets = s;
		ps->setcap = cap;
	}
	memset(&ps->sets[ps->nsets], 0, sizeof(ps->sets[0]));
	ps->ast[n].set = ps->nsets++;
	return n;
}

/* Make node `parent` one level above `kid`; refuse a tree too high to build by recursion. */
static int grow(struct parser *ps, int parent, int kid)
{
	if (ps->ast[kid].height + 1 > ps->ast[parent].height)
		ps->ast[parent].height = ps->ast[kid].height + 1;
	if (ps->ast[parent].height > TREE_HEIGHT_MAX)
		return refuse(ps, R_SUBSET, "nesting deeper than the bound");
	return 0;
}

static int parse_alt(struct parser *ps);

/* [ … ]: ps->p is at the "[". */
static int parse_bracket(struct parser *ps)
{
	const unsigned char *p = ps->p + 1;
	struct byteset s;
	int neg = 0, first = 1, n;

	memset(&s, 0, sizeof(s));
	if (*p == '^') {
		neg = 1;
		p++;
	}
	for (;;) {
		unsigned c = *p, hi;

		if (c == '\0')
			return refuse(ps, R_SYNTAX, NULL);
		if (c == ']' && !first)
			break;
		first = 0;
		if (c == '[' && (p[1] == ':' || p[1] == '.' || p[1] == '=')) {
			const char *name = (const char *)p + 2, *end;

			if (p[1] != ':')
				return refuse(ps, R_SUBSET, "[. .] or [= =]");
			end = strstr(name, ":]");
			if (!end || add_class(&s, name, (size_t)(end - name)) < 0)
				return refuse(ps, R_SYNTAX, NULL);
			p = (const unsigned char *)end + 2;
			/* regcomp: a class cannot start a range */
			if (*p == '-' && p[1] != ']')
				return refuse(ps, R_SYNTAX, NULL);
			continue;
		}
		if (c >= 0x80)
			return refuse(ps, R_SUBSET, "a non-ASCII byte in a bracket expression");
		p++;
		/* "-" is literal first, last, or as the end of a range; regcomp refuses it after
		 * a range ("[a-z-9]") */
		if (c == '-' && p != ps->p + 2 + neg && *p != ']')
			return refuse(ps, R_SYNTAX, NULL);
		if (*p == '-' && p[1] != ']' && p[1] != '\0') {
			hi = p[1];
			if (hi == '[' && (p[2] == ':' || p[2] == '.' || p[2] == '='))
				return p[2] == ':' ? refuse(ps, R_SYNTAX, NULL)
				                   : refuse(ps, R_SUBSET, "[. .] or [= =]");
			if (hi >= 0x80)
				return refuse(ps, R_SUBSET,
				              "a non-ASCII byte in a bracket expression");
			if (hi < c)
				return refuse(ps, R_SYNTAX, NULL);
			bs_range(&s, c, hi);
			p += 2;
		} else {
			bs_add(&s, c);
		}
	}
	if (neg) {
		for (int i = 0; i < 4; i++)
			s.w[i] = ~s.w[i];
	}
	s.w[0] &= ~1ULL; /* subjects are C strings: never a NUL byte */
	n = new_set_node(ps);
	if (n < 0)
		return -1;
	ps->sets[ps->ast[n].set] = s;
	ps->p = p + 1;
	return n;
}

/* \ and the byte after it. */
static int parse_escape(struct parser *ps)
{
	unsigned c = ps->p[1];
	int n;

	if (c == '\0')
		return refuse(ps, R_SYNTAX, NULL);
	/* letters and digits are GNU operators (\w \b \< …) or back-references, and "<>`'"
	 * after a backslash too: only other punctuation stands for itself */
	if (c < 0x21 || c > 0x7e || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
	    (c >= 'a' && c <= 'z') || strchr("<>`'", (int)c))
		return refuse(ps, R_SUBSET,
		              "an escape other than \\ before punctuation (\\w, \\s, \\b, "
		              "back-references …)");
	n = new_set_node(ps);
	if (n < 0)
		return -1;
	bs_add(&ps->sets[ps->ast[n].set], c);
	ps->p += 2;
	return n;
}

static int parse_atom(struct parser *ps, enum atom_kind *kind)
{
	unsigned c = *ps->p;
	int n;

	*kind = ATOM_PLAIN;
	switch (c) {
	case '(':
		if (++ps->depth > NEST_MAX)
			return refuse(ps, R_SUBSET, "nesting deeper than the bound");
		ps->p++;
		n = parse_alt(ps);
		if (n < 0)
			return -1;
		if (*ps->p != ')')
			return refuse(ps, R_SYNTAX, NULL);
		ps->p++;
		ps->depth--;
		return n;
	case '*':
	case '+':
	case '?':
	case '{':
		/* nothing before it to repeat */
		return refuse(ps, R_SYNTAX, NULL);
	case '[':
		return parse_bracket(ps);
	case '\\':
		return parse_escape(ps);
	case '^':
	case '$':
		*kind = ATOM_ANCHOR;
		ps->p++;
		return new_node(ps, c == '^' ? A_BOL : A_EOL);
	default:
		break;
	}
	n = new_set_node(ps);
	if (n < 0)
		return -1;
	if (c == '.') {
		bs_range(&ps->sets[ps->ast[n].set], 1, 0xff);
	} else {
		bs_add(&ps->sets[ps->ast[n].set], c);
		if (c >= 0x80)
			*kind = ATOM_HIGH_BYTE;
	}
	ps->p++;
	return n;
}

/* A decimal count of {n,m}; -1 if there is no digit. Large values saturate. */
static int parse_count(struct parser *ps)
{
	int v = -1;

	while (*ps->p >= '0' && *ps->p <= '9') {
		v = (v < 0 ? 0 : v) * 10 + (*ps->p++ - '0');
		if (v > ECERT_PATTERN_REPEAT_MAX)
			v = ECERT_PATTERN_REPEAT_MAX + 1;
	}
	return v;
}

/* The quantifier at ps->p into *min, *max (max -1: unbounded). */
static int parse_quantifier(struct parser *ps, int *min, int *max)
{
	unsigned c = *ps->p++;

	if (c != '{') {
		*min = c == '+' ? 1 : 0;
		*max = c == '?' ? 1 : -1;
		return 0;
	}
	if (*ps->p == ',')
		return refuse(ps, R_SUBSET, "{,m} (write {0,m})");
	*min = parse_count(ps);
	if (*min < 0)
		return refuse(ps, R_SYNTAX, NULL);
	*max = *min;
	if (*ps->p == ',') {
		ps->p++;
		*max = parse_count(ps);
	}
	if (*ps->p != '}' || (*max >= 0 && *max < *min))
		return refuse(ps, R_SYNTAX, NULL);
	ps->p++;
	if (*min > ECERT_PATTERN_REPEAT_MAX || *max > ECERT_PATTERN_REPEAT_MAX)
		return refuse(ps, R_SUBSET, "a repetition count above 255");
	return 0;
}

static int is_quantifier(unsigned c)
{
	return c == '*' || c == '+' || c == '?' || c == '{';
}

static int parse_piece(struct parser *ps)
{
	enum atom_kind kind;
	int n = parse_atom(ps, &kind), rep;

	while (n >= 0 && is_quantifier(*ps->p)) {
		int min, max;

		if (kind == ATOM_ANCHOR)
			return refuse(ps, R_SYNTAX, NULL);
		if (kind == ATOM_HIGH_BYTE)
			return refuse(ps, R_SUBSET,
			              "a quantifier after a non-ASCII byte (it would repeat the "
			              "last byte of the character; use a group)");
		if (parse_quantifier(ps, &min, &max) < 0)
			return -1;
		rep = new_node(ps, A_REPEAT);
		if (rep < 0)
			return -1;
		ps->ast[rep].kid = n;
		ps->ast[rep].min = min;
		ps->ast[rep].max = max;
		if (grow(ps, rep, n) < 0)
			return -1;
		n = rep;
	}
	return n;
}

static int parse_branch(struct parser *ps)
{
	int cat = -1, only = -1, piece;

	while (*ps->p && *ps->p != '|' && *ps->p != ')') {
		piece = parse_piece(ps);
		if (piece < 0)
			return -1;
		if (only < 0) {
			only = piece;
			continue;
		}
		if (cat < 0) {
			cat = new_node(ps, A_CAT);
			if (cat < 0 || grow(ps, cat, only) < 0)
				return -1;
			ps->ast[cat].kid = only;
		}
		ps->ast[piece].next = ps->ast[cat].kid;
		ps->ast[cat].kid = piece;
		if (grow(ps, cat, piece) < 0)
			return -1;
	}
	if (cat >= 0)
		return cat;
	return only >= 0 ? only : new_node(ps, A_EMPTY);
}

static int parse_alt(struct parser *ps)
{
	int first = parse_branch(ps), alt, last, b;

	if (first < 0 || *ps->p != '|')
		return first;
	alt = new_node(ps, A_ALT);
	if (alt < 0 || grow(ps, alt, first) < 0)
		return -1;
	ps->ast[alt].kid = last = first;
	while (*ps->p == '|') {
		ps->p++;
		b = parse_branch(ps);
		if (b < 0 || grow(ps, alt, b) < 0)
			return -1;
		ps->ast[last].next = b;
		last = b;
	}
	return alt;
}

/* ------------------------------------------------------------------ the NFA */

enum nstate_op { S_BYTE, S_SPLIT, S_BOL, S_EOL, S_MATCH };

struct nstate {
	uint8_t op;
	uint16_t set; /* S_BYTE: the byte set */
	uint16_t out, out1;
};

struct nfa {
	struct nstate *st;
	int n, start, match;
	struct byteset *sets;
};

struct builder {
	struct nfa *a;
	const struct ast *ast;
	long steps;
	int full;
};

static int new_state(struct builder *b, enum nstate_op op, int set, int out, int out1)
{
	struct nstate *s;

	if (b->a->n == NFA_MAX) {
		b->full = 1;
		return -1;
	}
	s = &b->a->st[b->a->n];
	s->op = (uint8_t)op;
	s->set = (uint16_t)set;
	s->out = (uint16_t)out;
	s->out1 = (uint16_t)out1;
	return b->a->n++;
}

/* The NFA of tree node `node` followed by state `next`; returns its entry state. */
static int build(struct builder *b, int node, int next)
{
	const struct ast *t = &b->ast[node];
	int head = -1, e, loop;

	if (++b->steps > BUILD_STEPS_MAX) {
		b->full = 1;
		return -1;
	}
	switch (t->op) {
	case A_EMPTY:
		return next;
	case A_SET:
		return new_state(b, S_BYTE, t->set, next, 0);
	case A_BOL:
		return new_state(b, S_BOL, 0, next, 0);
	case A_EOL:
		return new_state(b, S_EOL, 0, next, 0);
	case A_CAT:
		for (int k = t->kid; k >= 0 && next >= 0; k = b->ast[k].next)
			next = build(b, k, next);
		return next;
	case A_ALT:
		for (int k = t->kid; k >= 0; k = b->ast[k].next) {
			e = build(b, k, next);
			if (e < 0)
				return -1;
			head = head < 0 ? e : new_state(b, S_SPLIT, 0, e, head);
			if (head < 0)
				return -1;
		}
		return head;
	case A_REPEAT:
		if (t->max < 0) {
			loop = new_state(b, S_SPLIT, 0, 0, next);
			if (loop < 0 || (e = build(b, t->kid, loop)) < 0)
				return -1;
			b->a->st[loop].out = (uint16_t)e;
			next = loop;
		}
		for (int i = t->min; i < t->max && next >= 0; i++) {
			e = build(b, t->kid, next);
			next = e < 0 ? -1 : new_state(b, S_SPLIT, 0, e, next);
		}
		for (int i = 0; i < t->min && next >= 0; i++)
			next = build(b, t->kid, next);
		return next;
	}
	return -1;
}

static int set_has(const uint64_t *set, int s)
{
	return (int)((set[s >> 6] >> (s & 63)) & 1);
}

static void set_add(uint64_t *set, int s)
{
	set[s >> 6] |= 1ULL << (s & 63);
}

/* Add state s to `set` with every state it reaches by moves that read nothing: splits
 * always, ^ only at_start, $ only at_end. stack has room for a->n entries (a state is
 * pushed once, when it joins the set). */
static void closure_add(const struct nfa *a, uint64_t *set, uint16_t *stack, int s, int at_start,
                        int at_end)
{
	int top = 0;

	if (set_has(set, s))
		return;
	set_add(set, s);
	stack[top++] = (uint16_t)s;
	while (top > 0) {
		const struct nstate *st = &a->st[stack[--top]];
		int outs[2], n = 0;

		if (st->op == S_SPLIT) {
			outs[n++] = st->out;
			outs[n++] = st->out1;
		} else if ((st->op == S_BOL && at_start) || (st->op == S_EOL && at_end)) {
			outs[n++] = st->out;
		}
		for (int i = 0; i < n; i++) {
			if (!set_has(set, outs[i])) {
				set_add(set, outs[i]);
				stack[top++] = (uint16_t)outs[i];
			}
		}
	}
}

static int words_of(const struct nfa *a)
{
	return (a->n + 63) / 64;
}

/* next = the states after reading byte c in `cur`, and the start again (the match may
 * begin at any byte). */
static void step(const struct nfa *a, const uint64_t *cur, unsigned c, uint64_t *next,
                 uint16_t *stack)
{
	int words = words_of(a);

	memset(next, 0, (size_t)words * sizeof(*next));
	for (int w = 0; w < words; w++) {
		for (uint64_t bits = cur[w]; bits; bits &= bits - 1) {
			const struct nstate *st = &a->st[w * 64 + __builtin_ctzll(bits)];

			if (st->op == S_BYTE && bs_has(&a->sets[st->set], c))
				closure_add(a, next, stack, st->out, 0, 0);
		}
	}
	closure_add(a, next, stack, a->start, 0, 0);
}

/* Whether the subject may end in state set `cur` with a match: $ now holds, and ^ too if
 * nothing was read. tmp: scratch of the set's size. */
static int end_ok(const struct nfa *a, const uint64_t *cur, int at_start, uint64_t *tmp,
                  uint16_t *stack)
{
	int words = words_of(a);

	memcpy(tmp, cur, (size_t)words * sizeof(*tmp));
	for (int w = 0; w < words; w++) {
		for (uint64_t bits = cur[w]; bits; bits &= bits - 1) {
			const struct nstate *st = &a->st[w * 64 + __builtin_ctzll(bits)];

			if (st->op == S_EOL)
				closure_add(a, tmp, stack, st->out, at_start, 1);
		}
	}
	return set_has(tmp, a->match);
}

/* Whether a $ can be followed, or a ^ preceded, by a byte set with the newline in it,
 * with only moves that read nothing between. POSIX says such a path never matches (no
 * REG_NEWLINE: $ is the end of the subject, ^ its start), and so does this matcher; but
 * glibc's regexec lets it match across a newline of the subject ("a$\nb" and "a$.b"
 * match "a\nb"). Refused, so that no pattern means something else than it did. */
static int anchor_meets_newline(const struct nfa *a)
{
	uint64_t set[SET_WORDS];
	uint16_t stack[NFA_MAX];
	int words = words_of(a);

	for (int s = 0; s < a->n; s++) {
		const struct nstate *st = &a->st[s];
		int from_eol = st->op == S_EOL;

		if (!from_eol && !(st->op == S_BYTE && bs_has(&a->sets[st->set], '\n')))
			continue;
		memset(set, 0, (size_t)words * sizeof(set[0]));
		closure_add(a, set, stack, st->out, 1, 1);
		for (int t = 0; t < a->n; t++) {
			const struct nstate *u = &a->st[t];

			if (!set_has(set, t))
				continue;
			if (from_eol && u->op == S_BYTE && bs_has(&a->sets[u->set], '\n'))
				return 1;
			if (!from_eol && u->op == S_BOL)
				return 1;
		}
	}
	return 0;
}

/* ------------------------------------------------------------------ the DFA */

/* DFA state flags: a match has been seen; a match if the subject ends here (while
 * building). */
#define F_HIT 1
#define F_END 2

struct ecert_pattern {
	/* the DFA: trans[off + cls[byte]] is the next state's offset (state × ncls); states
	 * at or past stop_off decide (flags F_HIT: a match) */
	uint16_t *trans;
	uint8_t *flags;
	uint8_t cls[256];
	unsigned ncls, start_off, stop_off;
	/* the NFA, when there is no DFA */
	struct nfa nfa;
};

struct dfa_build {
	const struct nfa *a;
	int words, ncls, max;
	int n;
	uint64_t *sets; /* max × words */
	int *trans;     /* max × ncls */
	uint8_t *flags; /* max */
	int *slots;     /* hash of sets → state + 1 */
	unsigned mask;
};

static unsigned set_hash(const uint64_t *s, int words)
{
	uint64_t h = 0x9E3779B97F4A7C15ULL;

	for (int i = 0; i < words; i++)
		h = (h ^ s[i]) * 0xff51afd7ed558ccdULL;
	return (unsigned)(h ^ (h >> 32));
}

/* The state with set s (the start state excluded: its ^ makes it different), added if
 * new. -1 when the DFA is full. */
static int dfa_state(struct dfa_build *d, const uint64_t *s)
{
	size_t bytes = (size_t)d->words * sizeof(*s);
	unsigned i = set_hash(s, d->words) & d->mask;

	for (; d->slots[i]; i = (i + 1) & d->mask) {
		int k = d->slots[i] - 1;

		if (k != 0 && memcmp(d->sets + (size_t)k * (size_t)d->words, s, bytes) == 0)
			return k;
	}
	if (d->n == d->max)
		return -1;
	memcpy(d->sets + (size_t)d->n * (size_t)d->words, s, bytes);
	d->slots[i] = d->n + 1;
	return d->n++;
}

/* Byte classes: bytes that every set of the NFA treats alike share a class; NUL, the
 * end of the subject, has one of its own. rep[k] is a byte of class k. */
static unsigned byte_classes(const struct nfa *a, uint8_t cls[256], unsigned rep[256])
{
	unsigned n = 2;
	int seen[256][2];
	uint8_t done[(ECERT_PATTERN_SRC_MAX + 7) / 8]; /* a set per atom: fewer than bytes */

	memset(done, 0, sizeof(done));
	memset(cls, 1, 256);
	cls[0] = 0;
	for (int s = 0; s < a->n; s++) {
		unsigned set = a->st[s].set, m = 0;
		uint8_t split[256];

		/* {n,m} copies share their operand's set: refine by each set once */
		if (a->st[s].op != S_BYTE || (done[set / 8] & (1u << (set % 8))))
			continue;
		done[set / 8] |= (uint8_t)(1u << (set % 8));
		for (unsigned k = 0; k < n; k++)
			seen[k][0] = seen[k][1] = -1;
		for (unsigned b = 0; b < 256; b++) {
			int in = bs_has(&a->sets[set], b);

			if (seen[cls[b]][in] < 0)
				seen[cls[b]][in] = (int)m++;
			split[b] = (uint8_t)seen[cls[b]][in];
		}
		memcpy(cls, split, 256);
		n = m;
	}
	for (unsigned b = 256; b-- > 0;)
		rep[cls[b]] = b;
	return n;
}

/* Build p's DFA from its NFA. ECERT_OK (p->trans NULL if the DFA would be too large) or
 * ECERT_ERR_NOMEM.
 *
 * Besides the states of the subset construction there are two more: ACCEPT and REJECT,
 * where the NUL at the end of the subject leads (ACCEPT if $ and the match state are
 * reachable there). Those two, the states that have seen a match and the states from
 * which none is reachable are the stop states, numbered last: the matcher's loop has
 * one comparison per byte and needs no test for the end of the subject. */
static int build_dfa(struct ecert_pattern *p)
{
	struct dfa_build d;
	unsigned rep[256], nul;
	uint16_t *stack = NULL;
	uint64_t *next = NULL, *tmp = NULL;
	int *order = NULL, *live = NULL, rc = ECERT_ERR_NOMEM, nstop = 0, changed;
	int accept, reject;
	size_t nslots = 1;

	memset(&d, 0, sizeof(d));
	d.a = &p->nfa;
	d.words = words_of(&p->nfa);
	p->ncls = byte_classes(&p->nfa, p->cls, rep);
	nul = p->cls[0];
	d.ncls = (int)p->ncls;
	d.max = DFA_CELLS_MAX / d.ncls;
	if (d.max > DFA_STATES_MAX)
		d.max = DFA_STATES_MAX;
	while (nslots < 2 * (size_t)d.max)
		nslots *= 2;
	d.mask = (unsigned)nslots - 1;
	d.sets = ecert_calloc((size_t)d.max * (size_t)d.words, sizeof(*d.sets));
	d.trans = ecert_malloc((size_t)d.max * (size_t)d.ncls * sizeof(*d.trans));
	d.flags = ecert_calloc((size_t)d.max, 1);
	d.slots = ecert_calloc(nslots, sizeof(*d.slots));
	stack = ecert_malloc((size_t)p->nfa.n * sizeof(*stack));
	next = ecert_malloc((size_t)d.words * sizeof(*next));
	tmp = ecert_malloc((size_t)d.words * sizeof(*tmp));
	if (!d.sets || !d.trans || !d.flags || !d.slots || !stack || !next || !tmp)
		goto out;

	/* state 0: the start, where ^ holds */
	closure_add(&p->nfa, d.sets, stack, p->nfa.start, 1, 0);
	d.slots[set_hash(d.sets, d.words) & d.mask] = 1;
	d.n = 1;
	for (int i = 0; i < d.n; i++) {
		const uint64_t *s = d.sets + (size_t)i * (size_t)d.words;
		int *row = d.trans + (size_t)i * (size_t)d.ncls;

		if (set_has(s, p->nfa.match))
			d.flags[i] |= F_HIT;
		if (end_ok(&p->nfa, s, i == 0, tmp, stack))
			d.flags[i] |= F_END;
		for (int k = 0; k < d.ncls; k++) {
			if ((d.flags[i] & F_HIT) || k == (int)nul) {
				row[k] = i; /* set below, or a stop state's */
				continue;
			}
			step(&p->nfa, s, rep[k], next, stack);
			row[k] = dfa_state(&d, next);
			if (row[k] < 0) {
				rc = ECERT_OK; /* too large: keep the NFA */
				goto out;
			}
		}
	}
	if (d.n + 2 > d.max) {
		rc = ECERT_OK;
		goto out;
	}
	accept = d.n++;
	reject = d.n++;
	d.flags[accept] = F_HIT;
	for (int k = 0; k < d.ncls; k++) {
		d.trans[(size_t)accept * (size_t)d.ncls + (size_t)k] = accept;
		d.trans[(size_t)reject * (size_t)d.ncls + (size_t)k] = reject;
	}
	for (int i = 0; i < accept; i++) {
		if (!(d.flags[i] & F_HIT))
			d.trans[(size_t)i * (size_t)d.ncls + nul] =
			    (d.flags[i] & F_END) ? accept : reject;
	}

	/* Live states can still reach a match; the others are dead ends. */
	live = ecert_calloc((size_t)d.n, sizeof(*live));
	order = ecert_malloc((size_t)d.n * sizeof(*order));
	if (!live || !order)
		goto out;
	for (int i = 0; i < d.n; i++)
		live[i] = (d.flags[i] & F_HIT) != 0;
	do {
		/* states were numbered breadth-first: going backwards, most are settled in
		 * one pass */
		changed = 0;
		for (int i = d.n - 1; i >= 0; i--) {
			for (int k = 0; k < d.ncls && !live[i]; k++) {
				if (live[d.trans[(size_t)i * (size_t)d.ncls + (size_t)k]])
					live[i] = changed = 1;
			}
		}
	} while (changed);

	/* Renumber: the states to walk on first, then the stop states. */
	for (int i = 0; i < d.n; i++) {
		if ((d.flags[i] & F_HIT) || !live[i])
			nstop++;
	}
	{
		int walk = 0, stop = d.n - nstop;

		for (int i = 0; i < d.n; i++)
			order[i] = ((d.flags[i] & F_HIT) || !live[i]) ? stop++ : walk++;
	}
	p->trans = ecert_malloc((size_t)d.n * (size_t)d.ncls * sizeof(*p->trans));
	p->flags = ecert_malloc((size_t)d.n);
	if (!p->trans || !p->flags)
		goto out;
	for (int i = 0; i < d.n; i++) {
		p->flags[order[i]] = d.flags[i];
		for (int k = 0; k < d.ncls; k++) {
			int to = d.trans[(size_t)i * (size_t)d.ncls + (size_t)k];

			p->trans[(size_t)order[i] * (size_t)d.ncls + (size_t)k] =
			    (uint16_t)(order[to] * d.ncls);
		}
	}
	p->start_off = (unsigned)(order[0] * d.ncls);
	p->stop_off = (unsigned)((d.n - nstop) * d.ncls);
	rc = ECERT_OK;
out:
	if (rc != ECERT_OK || !p->flags) {
		ecert_free(p->trans);
		ecert_free(p->flags);
		p->trans = NULL;
		p->flags = NULL;
	}
	ecert_free(d.sets);
	ecert_free(d.trans);
	ecert_free(d.flags);
	ecert_free(d.slots);
	ecert_free(stack);
	ecert_free(next);
	ecert_free(tmp);
	ecert_free(live);
	ecert_free(order);
	return rc;
}

/* ------------------------------------------------------------------ the interface */

/* Escapes of other dialects that glibc's regcomp read as literal letters ("\d" as "d");
 * refused wherever they stand, inside brackets too, as the regcomp-based validator
 * refused them. */
static int foreign_escape(const char *src)
{
	for (const char *p = src; *p; p++) {
		if (*p == '\\') {
			if (p[1] && strchr("dDpPuxk", p[1]))
				return 1;
			if (p[1])
				p++;
		}
	}
	return 0;
}

static int refused(struct ecert_error *err, const char *src, enum refusal why, const char *what)
{
	int n = utf8_clip(src, SHOWN_MAX);

	switch (why) {
	case R_NOMEM:
		return ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
	case R_ESCAPE:
		return ecert_fail(err, ECERT_ERR_UNSUPPORTED,
		                  "pattern %.*s uses an escape POSIX regular expressions lack", n,
		                  src);
	case R_SYNTAX:
		return ecert_fail(err, ECERT_ERR_UNSUPPORTED,
		                  "pattern %.*s is not a POSIX extended regular expression", n,
		                  src);
	default:
		return ecert_fail(err, ECERT_ERR_UNSUPPORTED,
		                  "pattern %.*s is outside the subset ecert supports: %s", n, src,
		                  what);
	}
}

void ecert_pattern_free(struct ecert_pattern *p)
{
	if (!p)
		return;
	ecert_free(p->trans);
	ecert_free(p->flags);
	ecert_free(p->nfa.st);
	ecert_free(p->nfa.sets);
	ecert_free(p);
}

int ecert_pattern_compile(const char *src, struct ecert_pattern **out, struct ecert_error *err)
{
	struct ecert_pattern *p = NULL;
	struct parser ps;
	struct builder b;
	int root, rc;

	memset(&ps, 0, sizeof(ps));
	if (!src || !out)
		return ecert_fail(err, ECERT_ERR_ARG, "no pattern given");
	if (foreign_escape(src))
		return refused(err, src, R_ESCAPE, NULL);
	if (strlen(src) > ECERT_PATTERN_SRC_MAX)
		return refused(err, src, R_SUBSET, "more than 1024 bytes");
	ps.p = (const unsigned char *)src;
	root = parse_alt(&ps);
	if (root >= 0 && *ps.p == ')')
		root = refuse(&ps, R_SUBSET, "an unmatched \")\" (write \\) for the character)");
	if (root < 0) {
		rc = refused(err, src, ps.why, ps.what);
		goto out;
	}

	rc = ECERT_ERR_NOMEM;
	p = ecert_calloc(1, sizeof(*p));
	if (!p || !(p->nfa.st = ecert_malloc(NFA_MAX * sizeof(*p->nfa.st))))
		goto nomem;
	memset(&b, 0, sizeof(b));
	b.a = &p->nfa;
	b.ast = ps.ast;
	p->nfa.match = new_state(&b, S_MATCH, 0, 0, 0);
	p->nfa.start = build(&b, root, p->nfa.match);
	if (p->nfa.start < 0) {
		rc = refused(err, src, R_SUBSET, "too large once its repetitions are expanded");
		goto out;
	}
	p->nfa.sets = ps.sets;
	ps.sets = NULL;
	if (anchor_meets_newline(&p->nfa)) {
		rc = refused(err, src, R_SUBSET,
		             "a newline-matching atom right after $ or before ^ (regexec would "
		             "let the anchor match at a newline)");
		goto out;
	}
	if (build_dfa(p) != ECERT_OK)
		goto nomem;
	if (p->trans) {
		/* the DFA replaces the NFA */
		ecert_free(p->nfa.st);
		ecert_free(p->nfa.sets);
		p->nfa.st = NULL;
		p->nfa.sets = NULL;
	}
	*out = p;
	p = NULL;
	rc = ECERT_OK;
	goto out;
nomem:
	rc = ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
out:
	ecert_pattern_free(p);
	ecert_free(ps.ast);
	ecert_free(ps.sets);
	return rc;
}

/* The NFA simulation: the set of states after each byte. */
static int nfa_match(const struct nfa *a, const unsigned char *s)
{
	uint64_t one[SET_WORDS], two[SET_WORDS], *cur = one, *next = two, *t;
	uint16_t stack[NFA_MAX];
	int at_start = 1;

	memset(cur, 0, sizeof(one));
	closure_add(a, cur, stack, a->start, 1, 0);
	for (; *s; s++) {
		if (set_has(cur, a->match))
			return 1;
		step(a, cur, *s, next, stack);
		t = cur;
		cur = next;
		next = t;
		at_start = 0;
	}
	return end_ok(a, cur, at_start, next, stack);
}

int ecert_pattern_match(const struct ecert_pattern *p, const char *s)
{
	const unsigned char *q = (const unsigned char *)s;
	const uint16_t *trans = p->trans;
	unsigned off = p->start_off, stop = p->stop_off;

	if (!trans)
		return nfa_match(&p->nfa, q);
	/* the NUL ends the walk in a stop state (see build_dfa) */
	while (off < stop)
		off = trans[off + p->cls[*q++]];
	return (p->flags[off / p->ncls] & F_HIT) != 0;
}
