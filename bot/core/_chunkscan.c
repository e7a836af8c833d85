/* The matcher's chunk memo in C: an article's title and text are cut into chunks and each
 * chunk is looked up without making a string of it.
 *
 * Why: in Python, cutting an article into its ~500 chunks makes ~500 string objects and
 * hashes each one before the memo can say that almost none of them matters; that was most of
 * the matcher's time (bot.core.lexicon). Here the cut, the hash and the probe are one pass
 * over the characters, and objects are made only for the chunks that matched (their
 * position) and for chunks never seen before (to be learned in Python, then `add`ed).
 *
 * The cut is exactly bot.core.normalize.chunks: white space as str.split() sees it
 * (Py_UNICODE_ISSPACE) and the separator characters given to the constructor. A chunk's
 * value is what Python learned: None (matches nothing), False (not one token: the article
 * must take the token path) or the word ids it matches (any other object, handed back).
 * Keys are compared by code point, so a chunk learned from a Latin-1 string is found in a
 * UCS-2 one. bot.core.lexicon keeps the pure-Python memo as the reference and the fallback
 * when this module is not built; the tests compare the two.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

typedef struct {
    PyObject *key;   /* str */
    PyObject *value; /* None, False or the word ids */
} Entry;

/* Open addressing in two arrays: a probe reads only the 8-byte hashes (0: empty slot; a
 * chunk's hash is never 0), the entry and its key string are read for the slot found. */
typedef struct {
    PyObject_HEAD
    uint64_t *hashes;
    Entry *entries;
    size_t mask; /* slots - 1 (a power of two) */
    Py_ssize_t used;
    uint8_t cut[0x10000 / 8]; /* bit per BMP code point: white space or a separator */
} ChunkTable;

/* White space as str.split() sees it, one bit per BMP code point (none lies above). */
static uint8_t white[0x10000 / 8];

/* FNV's offset basis, mixed at import with this process's string hash secret (Python's own
 * str hash of a fixed string): a page cannot be written to make its chunks collide in the
 * table and slow every probe, as it could with a hash known in advance. */
static uint64_t fnv_offset = 0xcbf29ce484222325ULL;
#define FNV_PRIME 0x100000001b3ULL

static inline uint64_t
mix(uint64_t h)
{
    /* FNV's low bits are weak for linear probing: finish with murmur3's fmix64 */
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h ? h : 1;
}

static inline int
is_cut(const ChunkTable *t, Py_UCS4 c)
{
    return c < 0x10000 && ((t->cut[c >> 3] >> (c & 7)) & 1);
}

static uint64_t
hash_span(int kind, const void *data, Py_ssize_t start, Py_ssize_t end)
{
    uint64_t h = fnv_offset;
    for (Py_ssize_t i = start; i < end; i++) {
        h = (h ^ PyUnicode_READ(kind, data, i)) * FNV_PRIME;
    }
    return mix(h);
}

static int
same_span(PyObject *key, int kind, const void *data, Py_ssize_t start, Py_ssize_t len)
{
    if (PyUnicode_GET_LENGTH(key) != len) {
        return 0;
    }
    int kkind = PyUnicode_KIND(key);
    const void *kdata = PyUnicode_DATA(key);
    if (kkind == kind) {
        return memcmp(kdata, (const char *)data + start * kind, (size_t)(len * kind)) == 0;
    }
    for (Py_ssize_t i = 0; i < len; i++) {
        if (PyUnicode_READ(kkind, kdata, i) != PyUnicode_READ(kind, data, start + i)) {
            return 0;
        }
    }
    return 1;
}

/* The slot holding the span, or the empty slot where it would go. */
static size_t
find(ChunkTable *t, uint64_t h, int kind, const void *data, Py_ssize_t start, Py_ssize_t len)
{
    size_t i = (size_t)h & t->mask;
    while (t->hashes[i] != 0) {
        if (t->hashes[i] == h && same_span(t->entries[i].key, kind, data, start, len)) {
            break;
        }
        i = (i + 1) & t->mask;
    }
    return i;
}

static int
allocate(ChunkTable *t, size_t size)
{
    t->hashes = PyMem_Calloc(size, sizeof(uint64_t));
    t->entries = PyMem_Calloc(size, sizeof(Entry));
    if (t->hashes == NULL || t->entries == NULL) {
        PyMem_Free(t->hashes);
        PyMem_Free(t->entries);
        t->hashes = NULL;
        t->entries = NULL;
        PyErr_NoMemory();
        return -1;
    }
    t->mask = size - 1;
    return 0;
}

static int
grow(ChunkTable *t)
{
    uint64_t *hashes = t->hashes;
    Entry *entries = t->entries;
    size_t old = t->mask + 1;
    if (allocate(t, old * 2) < 0) {
        t->hashes = hashes; /* unchanged: the table stays usable */
        t->entries = entries;
        t->mask = old - 1;
        return -1;
    }
    for (size_t i = 0; i < old; i++) {
        if (hashes[i] != 0) {
            size_t j = (size_t)hashes[i] & t->mask;
            while (t->hashes[j] != 0) {
                j = (j + 1) & t->mask;
            }
            t->hashes[j] = hashes[i];
            t->entries[j] = entries[i];
        }
    }
    PyMem_Free(hashes);
    PyMem_Free(entries);
    return 0;
}

static int
put(ChunkTable *t, PyObject *key, PyObject *value)
{
    if (!PyUnicode_Check(key)) {
        PyErr_Format(PyExc_TypeError, "chunk must be str, not %.100s", Py_TYPE(key)->tp_name);
        return -1;
    }
    if ((size_t)(t->used + 1) * 2 > t->mask + 1 && grow(t) < 0) {
        return -1;
    }
    int kind = PyUnicode_KIND(key);
    const void *data = PyUnicode_DATA(key);
    Py_ssize_t len = PyUnicode_GET_LENGTH(key);
    uint64_t h = hash_span(kind, data, 0, len);
    size_t i = find(t, h, kind, data, 0, len);
    Py_INCREF(value);
    if (t->hashes[i] == 0) {
        t->hashes[i] = h;
        t->entries[i].key = Py_NewRef(key);
        t->entries[i].value = value;
        t->used++;
    }
    else {
        Py_SETREF(t->entries[i].value, value);
    }
    return 0;
}

static void
drop_all(ChunkTable *t)
{
    for (size_t i = 0; i <= t->mask; i++) {
        if (t->hashes[i] != 0) {
            t->hashes[i] = 0;
            Py_CLEAR(t->entries[i].key);
            Py_CLEAR(t->entries[i].value);
        }
    }
    t->used = 0;
}

static void
release(ChunkTable *t)
{
    if (t->hashes != NULL) {
        drop_all(t);
        PyMem_Free(t->hashes);
        PyMem_Free(t->entries);
        t->hashes = NULL;
        t->entries = NULL;
    }
}

static int
ChunkTable_init(ChunkTable *t, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"separators", NULL};
    PyObject *seps;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "U", kwlist, &seps)) {
        return -1;
    }
    memcpy(t->cut, white, sizeof(t->cut));
    int kind = PyUnicode_KIND(seps);
    const void *data = PyUnicode_DATA(seps);
    for (Py_ssize_t i = 0; i < PyUnicode_GET_LENGTH(seps); i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c >= 0x10000) {
            PyErr_Format(PyExc_ValueError, "separator U+%04X is outside the BMP", (unsigned)c);
            return -1;
        }
        t->cut[c >> 3] |= (uint8_t)(1 << (c & 7));
    }
    release(t);
    t->used = 0;
    return allocate(t, 1024);
}

static void
ChunkTable_dealloc(ChunkTable *t)
{
    release(t);
    Py_TYPE(t)->tp_free((PyObject *)t);
}

/* A table whose __init__ never ran (or failed) has no slots: refuse to use it. */
static int
ready(ChunkTable *t)
{
    if (t->hashes == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "ChunkTable not initialised");
        return 0;
    }
    return 1;
}

static PyObject *
ChunkTable_add(ChunkTable *t, PyObject *args)
{
    PyObject *key, *value;
    if (!ready(t) || !PyArg_ParseTuple(args, "UO:add", &key, &value) || put(t, key, value) < 0) {
        return NULL;
    }
    Py_RETURN_NONE;
}

static PyObject *
ChunkTable_learn(ChunkTable *t, PyObject *args)
{
    PyObject *chunks, *found;
    if (!ready(t) ||
        !PyArg_ParseTuple(args, "O!O!:learn", &PyList_Type, &chunks, &PyDict_Type, &found)) {
        return NULL;
    }
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(chunks); i++) {
        PyObject *key = PyList_GET_ITEM(chunks, i);
        PyObject *value = PyDict_GetItemWithError(found, key); /* borrowed */
        if (value == NULL && PyErr_Occurred()) {
            return NULL;
        }
        if (put(t, key, value != NULL ? value : Py_None) < 0) {
            return NULL;
        }
    }
    Py_RETURN_NONE;
}

static PyObject *
ChunkTable_clear(ChunkTable *t, PyObject *Py_UNUSED(ignored))
{
    if (t->hashes != NULL) {
        drop_all(t);
    }
    Py_RETURN_NONE;
}

static Py_ssize_t
ChunkTable_len(ChunkTable *t)
{
    return t->used;
}

static PyObject *
ChunkTable_get(ChunkTable *t, PyObject *key)
{
    if (!ready(t)) {
        return NULL;
    }
    if (!PyUnicode_Check(key)) {
        PyErr_SetString(PyExc_TypeError, "chunk must be str");
        return NULL;
    }
    int kind = PyUnicode_KIND(key);
    const void *data = PyUnicode_DATA(key);
    Py_ssize_t len = PyUnicode_GET_LENGTH(key);
    size_t i = find(t, hash_span(kind, data, 0, len), kind, data, 0, len);
    if (t->hashes[i] == 0) {
        PyErr_SetObject(PyExc_KeyError, key);
        return NULL;
    }
    return Py_NewRef(t->entries[i].value);
}

/* A chunk of the article: where it stands, its hash, and the slot its probe stopped at. */
typedef struct {
    Py_ssize_t start, end;
    uint64_t hash;
    size_t slot;
} Span;

typedef struct {
    Span *spans;
    Py_ssize_t n, cap;
} Spans;

/* Append one field's chunks to `out`, starting each one's probe: the table is larger than
 * the processor's caches, so every slot is fetched ahead (the next passes find it there). */
static int
cut_field(ChunkTable *t, PyObject *field, Spans *out)
{
    int kind = PyUnicode_KIND(field);
    const void *data = PyUnicode_DATA(field);
    Py_ssize_t n = PyUnicode_GET_LENGTH(field);
    Py_ssize_t i = 0;
    while (i < n) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (is_cut(t, c)) {
            i++;
            continue;
        }
        Py_ssize_t start = i;
        uint64_t h = fnv_offset;
        do {
            h = (h ^ c) * FNV_PRIME;
            if (++i == n) {
                break;
            }
            c = PyUnicode_READ(kind, data, i);
        } while (!is_cut(t, c));
        if (out->n == out->cap) {
            Py_ssize_t cap = out->cap * 2;
            Span *spans = PyMem_Realloc(out->spans, (size_t)cap * sizeof(Span));
            if (spans == NULL) {
                PyErr_NoMemory();
                return -1;
            }
            out->spans = spans;
            out->cap = cap;
        }
        h = mix(h);
        __builtin_prefetch(&t->hashes[(size_t)h & t->mask]);
        out->spans[out->n++] = (Span){start, i, h, 0};
    }
    return 0;
}

/* Record a hit: k → (offset, chunk) in `where`, (k, ids) in `pairs`. */
static int
hit(PyObject *where, PyObject *pairs, Py_ssize_t k, Py_ssize_t start, Entry *e)
{
    PyObject *at = Py_BuildValue("(nO)", start, e->key);
    PyObject *pair = Py_BuildValue("(nO)", k, e->value);
    PyObject *index = PyLong_FromSsize_t(k);
    int bad = at == NULL || pair == NULL || index == NULL || PyDict_SetItem(where, index, at) < 0 ||
              PyList_Append(pairs, pair) < 0;
    Py_XDECREF(at);
    Py_XDECREF(pair);
    Py_XDECREF(index);
    return bad ? -1 : 0;
}

/* The scan in passes over all the chunks, so that the memory reads of one chunk's lookup
 * overlap those of the others: cut and hash (fetching the hash slots), probe the hashes
 * (fetching the entries), fetch the key strings, then compare and answer. */
static PyObject *
scan_spans(ChunkTable *t, PyObject *title, PyObject *text, Spans *sp)
{
    if (cut_field(t, title, sp) < 0) {
        return NULL;
    }
    Py_ssize_t head = sp->n;
    if (cut_field(t, text, sp) < 0) {
        return NULL;
    }
    for (Py_ssize_t k = 0; k < sp->n; k++) {
        Span *s = &sp->spans[k];
        size_t i = (size_t)s->hash & t->mask;
        while (t->hashes[i] != 0 && t->hashes[i] != s->hash) {
            i = (i + 1) & t->mask;
        }
        s->slot = i;
        __builtin_prefetch(&t->entries[i]);
    }
    for (Py_ssize_t k = 0; k < sp->n; k++) {
        Span *s = &sp->spans[k];
        if (t->hashes[s->slot] != 0) {
            __builtin_prefetch(t->entries[s->slot].key);
        }
    }
    PyObject *where = PyDict_New(), *pairs = PyList_New(0), *unknown = PyList_New(0);
    if (where == NULL || pairs == NULL || unknown == NULL) {
        goto fail;
    }
    for (Py_ssize_t k = 0; k < sp->n; k++) {
        Span *s = &sp->spans[k];
        PyObject *field = k < head ? title : text;
        int kind = PyUnicode_KIND(field);
        const void *data = PyUnicode_DATA(field);
        size_t i = s->slot;
        if (t->hashes[i] != 0 &&
            !same_span(t->entries[i].key, kind, data, s->start, s->end - s->start)) {
            i = find(t, s->hash, kind, data, s->start, s->end - s->start); /* same hash */
        }
        if (t->hashes[i] == 0) {
            PyObject *chunk = PyUnicode_Substring(field, s->start, s->end);
            if (chunk == NULL || PyList_Append(unknown, chunk) < 0) {
                Py_XDECREF(chunk);
                goto fail;
            }
            Py_DECREF(chunk);
        }
        else if (t->entries[i].value == Py_False) {
            Py_DECREF(where);
            Py_DECREF(pairs);
            Py_DECREF(unknown);
            Py_RETURN_NONE;
        }
        else if (t->entries[i].value != Py_None &&
                 hit(where, pairs, k, s->start, &t->entries[i]) < 0) {
            goto fail;
        }
    }
    return Py_BuildValue("(nNNN)", head, where, pairs, unknown);
fail:
    Py_XDECREF(where);
    Py_XDECREF(pairs);
    Py_XDECREF(unknown);
    return NULL;
}

static PyObject *
ChunkTable_scan(ChunkTable *t, PyObject *args)
{
    PyObject *title, *text;
    if (!ready(t) || !PyArg_ParseTuple(args, "UU:scan", &title, &text)) {
        return NULL;
    }
    Spans sp = {PyMem_Malloc(1024 * sizeof(Span)), 0, 1024};
    if (sp.spans == NULL) {
        return PyErr_NoMemory();
    }
    PyObject *out = scan_spans(t, title, text, &sp);
    PyMem_Free(sp.spans);
    return out;
}

static PyMethodDef ChunkTable_methods[] = {
    {"scan", (PyCFunction)ChunkTable_scan, METH_VARARGS,
     "scan(title, text) -> (head, where, pairs, unknown) | None\n\n"
     "The chunks of title then text, numbered in order: head is the title's count; where\n"
     "maps a matching chunk's number to (offset in its field, chunk); pairs lists\n"
     "(number, ids) in order; unknown lists chunks never added (where and pairs are then\n"
     "incomplete). None when a chunk was added as False (not one token)."},
    {"add", (PyCFunction)ChunkTable_add, METH_VARARGS,
     "add(chunk, value): remember a chunk (value None, False or its word ids)."},
    {"learn", (PyCFunction)ChunkTable_learn, METH_VARARGS,
     "learn(chunks, found): add each chunk with found.get(chunk) (None when absent)."},
    {"get", (PyCFunction)ChunkTable_get, METH_O,
     "get(chunk) -> the value added for chunk; KeyError if none."},
    {"clear", (PyCFunction)ChunkTable_clear, METH_NOARGS, "Forget every chunk."},
    {NULL, NULL, 0, NULL},
};

static PySequenceMethods ChunkTable_as_sequence = {
    .sq_length = (lenfunc)ChunkTable_len,
};

static PyTypeObject ChunkTableType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "bot.core._chunkscan.ChunkTable",
    .tp_doc = PyDoc_STR("ChunkTable(separators): chunks of text and what they match."),
    .tp_basicsize = sizeof(ChunkTable),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)ChunkTable_init,
    .tp_dealloc = (destructor)ChunkTable_dealloc,
    .tp_methods = ChunkTable_methods,
    .tp_as_sequence = &ChunkTable_as_sequence,
};

static struct PyModuleDef chunkscan_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "bot.core._chunkscan",
    .m_doc = PyDoc_STR("The matcher's chunk memo in C (see bot.core.lexicon)."),
    .m_size = -1,
};

PyMODINIT_FUNC
PyInit__chunkscan(void)
{
    for (Py_UCS4 c = 0; c < 0x10000; c++) {
        if (Py_UNICODE_ISSPACE(c)) {
            white[c >> 3] |= (uint8_t)(1 << (c & 7));
        }
    }
    PyObject *probe = PyUnicode_FromString("newswatch chunk memo");
    if (probe == NULL) {
        return NULL;
    }
    Py_hash_t secret = PyObject_Hash(probe);
    Py_DECREF(probe);
    if (secret == -1 && PyErr_Occurred()) {
        return NULL;
    }
    fnv_offset ^= (uint64_t)secret;
    if (PyType_Ready(&ChunkTableType) < 0) {
        return NULL;
    }
    PyObject *m = PyModule_Create(&chunkscan_module);
    if (m == NULL) {
        return NULL;
    }
    if (PyModule_AddObjectRef(m, "ChunkTable", (PyObject *)&ChunkTableType) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
