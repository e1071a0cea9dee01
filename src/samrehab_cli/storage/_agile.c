/* samrehab_cli.storage._agile: the iterated SHA-512 of the Agile key derivation (ECMA-376 §2.3.4.11), compiled.
 *
 * Optional: samrehab_cli.storage.agile uses it when it was built, and Python's hashlib otherwise, with the same
 * results (tests/test_agile.py compares the two). Its SHA-512 is its own (_sha512.h): nothing is linked.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "_sha512.h"

#define MAX_SPIN 0x100000000LL /* the counter is 32 bits: LE32(i) for i < 2^32 */

/* The whole derivation, compiled twice on x86-64 with GCC or Clang: for any x86-64, and with BMI2 (rorx, one
 * instruction a rotation, which makes SHA-512 about a fifth faster). The processor picks at import. */
#define DERIVE_BODY                                                                                             \
    {                                                                                                           \
        uint64_t state[8];                                                                                      \
        sha512_state(initial, len, state);                                                                      \
        sha512_iterate(state, spin);                                                                            \
        sha512_store(state, out);                                                                               \
    }

static void derive_portable(const unsigned char *initial, size_t len, uint64_t spin, unsigned char out[64])
DERIVE_BODY

#if (defined(__GNUC__) || defined(__clang__)) && (defined(__x86_64__) || defined(_M_X64))
#define HAVE_BMI2_VARIANT 1
__attribute__((target("bmi2"))) static void derive_bmi2(const unsigned char *initial, size_t len, uint64_t spin,
                                                        unsigned char out[64])
DERIVE_BODY
#endif

typedef void (*derive_fn)(const unsigned char *, size_t, uint64_t, unsigned char *);
static derive_fn derive_fast = derive_portable;
static const char *variant = "portable";

PyDoc_STRVAR(sha512_doc, "sha512(data) -> bytes\n\nSHA-512 of data (for the tests, which compare it with hashlib).");

static PyObject *py_sha512(PyObject *self, PyObject *args)
{
    Py_buffer data;
    unsigned char out[64];
    (void)self;
    if (!PyArg_ParseTuple(args, "y*:sha512", &data))
        return NULL;
    Py_BEGIN_ALLOW_THREADS
    sha512((const unsigned char *)data.buf, (size_t)data.len, out);
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&data);
    return PyBytes_FromStringAndSize((const char *)out, 64);
}

PyDoc_STRVAR(iterated_hash_doc,
             "iterated_hash(initial, spin, portable=False) -> bytes\n\n"
             "H = SHA-512(initial), then spin times H = SHA-512(LE32(i) + H) for i = 0 ... spin-1; returns H.\n"
             "initial is salt + password as UTF-16LE. A spin of 0 or less iterates no time, as range() does.\n"
             "portable=True uses the build for any processor even where a faster one was picked (for the tests).");

static PyObject *py_iterated_hash(PyObject *self, PyObject *args)
{
    Py_buffer initial;
    long long spin;
    int portable = 0;
    unsigned char out[64];
    derive_fn derive;
    (void)self;
    if (!PyArg_ParseTuple(args, "y*L|p:iterated_hash", &initial, &spin, &portable))
        return NULL;
    if (spin > MAX_SPIN) {
        PyBuffer_Release(&initial);
        PyErr_SetString(PyExc_ValueError, "spin is larger than the 32-bit counter allows");
        return NULL;
    }
    derive = portable ? derive_portable : derive_fast;
    Py_BEGIN_ALLOW_THREADS /* the other threads run while the key is derived */
    derive((const unsigned char *)initial.buf, (size_t)initial.len, spin > 0 ? (uint64_t)spin : 0, out);
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&initial);
    return PyBytes_FromStringAndSize((const char *)out, 64);
}

static PyMethodDef agile_methods[] = {
    {"sha512", py_sha512, METH_VARARGS, sha512_doc},
    {"iterated_hash", py_iterated_hash, METH_VARARGS, iterated_hash_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef agile_module = {
    PyModuleDef_HEAD_INIT, "_agile", "The Agile key derivation's iterated SHA-512, compiled.", -1, agile_methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__agile(void)
{
    PyObject *module;
#ifdef HAVE_BMI2_VARIANT
    __builtin_cpu_init();
    if (__builtin_cpu_supports("bmi2")) {
        derive_fast = derive_bmi2;
        variant = "bmi2";
    }
#endif
    module = PyModule_Create(&agile_module);
    if (module != NULL && PyModule_AddStringConstant(module, "variant", variant) < 0) {
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
