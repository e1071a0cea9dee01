/* What storage/bounds.py asks of a sheet part before python-calamine sees it, in one pass in C.
 *
 * scan(data) -> (prefixed, digits, rows, letter, cells, stand_outs), exactly what bounds.py's regular expressions
 * give (tests/test_sheetscan.py compares the two on random and crafted parts):
 *   prefixed    whether ":c" or ":row" followed by whitespace, "/" or ">" occurs anywhere (_PREFIXED);
 *   digits      the longest row number, 2 to 6 digits, after '<c r="' and a capital letter or after '<row r="' and
 *               followed by '"' (_PLAIN_ROW), else 1;
 *   rows        the largest row number of the plain tags, 0 when none;
 *   letter      the largest column letter of the plain cell tags (65 for A), 0 when none;
 *   cells       how many plain cell tags there are;
 *   stand_outs  the offsets of the "<c" and "<row" tags that are not in the plain form (_CELL_STANDS_OUT and
 *               _ROW_STANDS_OUT), in order.
 * A tag starts at "<c" or "<row" followed by whitespace (Python's bytes \s), "/" or ">". A plain cell tag is
 * <c r="[A-Z]\d{1,6}"(?: [st]="[\w.]*")* ?/?> and a plain row tag <row r="\d{1,6}"(?: (?!r=)[\w:]+="[^"<>]*")* ?/?>.
 * The part is read with the GIL released: bytes cannot change.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>

typedef const unsigned char *bytes_t;

static int is_space(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); } /* \t \n \v \f \r */
static int is_end(unsigned char c) { return is_space(c) || c == '/' || c == '>'; }
static int is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
static int is_word(unsigned char c) {
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

typedef struct {
    int prefixed, digits;
    long rows;
    int letter;
    Py_ssize_t cells;
    Py_ssize_t *stand_outs, count, room;
} Scan;

/* The run of digits at s[i..]: its length when '"' follows it, else -1; its value in *value (up to 6 digits). */
static Py_ssize_t quoted_number(bytes_t s, Py_ssize_t i, Py_ssize_t n, long *value) {
    Py_ssize_t j = i;
    long v = 0;
    while (j < n && is_digit(s[j])) {
        if (j - i < 6) v = v * 10 + (s[j] - '0');
        j++;
    }
    if (j >= n || s[j] != '"') return -1;
    *value = v;
    return j - i;
}

static void note_digits(Scan *scan, Py_ssize_t length) {
    if (length >= 2 && length <= 6 && length > scan->digits) scan->digits = (int)length;
}

/* " ?/?>" at s[j..] */
static int tag_closes(bytes_t s, Py_ssize_t j, Py_ssize_t n) {
    if (j < n && s[j] == ' ') j++;
    if (j < n && s[j] == '/') j++;
    return j < n && s[j] == '>';
}

/* The cell tag at s[i] ("<c" and an end): 1 when plain (counted), 0 when it stands out. */
static int plain_cell(Scan *scan, bytes_t s, Py_ssize_t i, Py_ssize_t n) {
    Py_ssize_t j = i + 2;
    long row;
    if (n - j < 5 || memcmp(s + j, " r=\"", 4) != 0 || s[j + 4] < 'A' || s[j + 4] > 'Z') return 0;
    int letter = s[j + 4];
    Py_ssize_t length = quoted_number(s, j + 5, n, &row);
    note_digits(scan, length);
    if (length < 1 || length > 6) return 0;
    j += 5 + length + 1;
    while (j + 1 < n && s[j] == ' ' && (s[j + 1] == 's' || s[j + 1] == 't')) { /* ' [st]="[\w.]*"' */
        if (j + 3 >= n || s[j + 2] != '=' || s[j + 3] != '"') return 0;
        Py_ssize_t k = j + 4;
        while (k < n && (is_word(s[k]) || s[k] == '.')) k++;
        if (k >= n || s[k] != '"') return 0;
        j = k + 1;
    }
    if (!tag_closes(s, j, n)) return 0;
    scan->cells++;
    if (row > scan->rows) scan->rows = row;
    if (letter > scan->letter) scan->letter = letter;
    return 1;
}

/* The row tag at s[i] ("<row" and an end): 1 when plain, 0 when it stands out. */
static int plain_row(Scan *scan, bytes_t s, Py_ssize_t i, Py_ssize_t n) {
    Py_ssize_t j = i + 4;
    long row;
    if (n - j < 4 || memcmp(s + j, " r=\"", 4) != 0) return 0;
    Py_ssize_t length = quoted_number(s, j + 4, n, &row);
    note_digits(scan, length);
    if (length < 1 || length > 6) return 0;
    j += 4 + length + 1;
    while (j + 1 < n && s[j] == ' ' && (is_word(s[j + 1]) || s[j + 1] == ':')) { /* ' (?!r=)[\w:]+="[^"<>]*"' */
        if (s[j + 1] == 'r' && j + 2 < n && s[j + 2] == '=') return 0;
        Py_ssize_t k = j + 1;
        while (k < n && (is_word(s[k]) || s[k] == ':')) k++;
        if (k + 1 >= n || s[k] != '=' || s[k + 1] != '"') return 0;
        k += 2;
        while (k < n && s[k] != '"' && s[k] != '<' && s[k] != '>') k++;
        if (k >= n || s[k] != '"') return 0;
        j = k + 1;
    }
    if (!tag_closes(s, j, n)) return 0;
    if (row > scan->rows) scan->rows = row;
    return 1;
}

static int stands_out(Scan *scan, Py_ssize_t offset) {
    if (scan->count == scan->room) {
        Py_ssize_t room = scan->room ? scan->room * 2 : 64;
        Py_ssize_t *more = PyMem_RawRealloc(scan->stand_outs, (size_t)room * sizeof(Py_ssize_t));
        if (more == NULL) return -1;
        scan->stand_outs = more;
        scan->room = room;
    }
    scan->stand_outs[scan->count++] = offset;
    return 0;
}

static int prefixed(bytes_t s, Py_ssize_t n) {
    for (const unsigned char *p = memchr(s, ':', (size_t)n); p != NULL;
         p = memchr(p + 1, ':', (size_t)(n - (p + 1 - s)))) {
        Py_ssize_t i = p - s, left = n - i;
        if (left >= 3 && p[1] == 'c' && is_end(p[2])) return 1;
        if (left >= 5 && memcmp(p + 1, "row", 3) == 0 && is_end(p[4])) return 1;
    }
    return 0;
}

/* 0, or -1 when out of memory */
static int scan_part(Scan *scan, bytes_t s, Py_ssize_t n) {
    scan->prefixed = prefixed(s, n);
    for (const unsigned char *p = memchr(s, '<', (size_t)n); p != NULL;
         p = memchr(p + 1, '<', (size_t)(n - (p + 1 - s)))) {
        Py_ssize_t i = p - s, left = n - i;
        if (left >= 3 && p[1] == 'c' && is_end(p[2])) {
            if (!plain_cell(scan, s, i, n) && stands_out(scan, i) < 0) return -1;
        } else if (left >= 5 && memcmp(p + 1, "row", 3) == 0 && is_end(p[4])) {
            if (!plain_row(scan, s, i, n) && stands_out(scan, i) < 0) return -1;
        }
    }
    return 0;
}

static PyObject *scan(PyObject *module, PyObject *arg) {
    (void)module;
    if (!PyBytes_Check(arg)) {
        PyErr_SetString(PyExc_TypeError, "scan() takes bytes");
        return NULL;
    }
    Scan found = {0, 1, 0, 0, 0, NULL, 0, 0};
    bytes_t s = (bytes_t)PyBytes_AS_STRING(arg);
    Py_ssize_t n = PyBytes_GET_SIZE(arg);
    int failed;
    Py_BEGIN_ALLOW_THREADS
    failed = scan_part(&found, s, n);
    Py_END_ALLOW_THREADS
    if (failed) {
        PyMem_RawFree(found.stand_outs);
        return PyErr_NoMemory();
    }
    PyObject *offsets = PyList_New(found.count);
    for (Py_ssize_t k = 0; offsets != NULL && k < found.count; k++) {
        PyObject *offset = PyLong_FromSsize_t(found.stand_outs[k]);
        if (offset == NULL) Py_CLEAR(offsets);
        else PyList_SET_ITEM(offsets, k, offset);
    }
    PyMem_RawFree(found.stand_outs);
    if (offsets == NULL) return NULL;
    return Py_BuildValue("(NilinN)", PyBool_FromLong(found.prefixed), found.digits, found.rows, found.letter,
                         found.cells, offsets);
}

static PyMethodDef methods[] = {
    {"scan", scan, METH_O, "scan(data) -> (prefixed, digits, rows, letter, cells, stand_outs): see _sheetscan.c"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_sheetscan", "What bounds.py measures in a sheet part, in one pass.", -1, methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__sheetscan(void) { return PyModule_Create(&module); }
