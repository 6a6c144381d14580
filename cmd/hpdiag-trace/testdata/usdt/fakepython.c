/* A stand-in for a CPython 3.10 built --with-dtrace, for testing engine E1u
 * where no such build can be installed. It defines what the tracer's
 * discovery looks for in an interpreter (the symbols, a PY_VERSION string)
 * and fires python:function__entry / function__return, guarded by their
 * semaphores as CPython's PyDTrace_FUNCTION_*_ENABLED() do, so that nothing
 * fires unless the tracer attached with the semaphores.
 *
 *     python3.10 SCRIPT N   "calls" work() N times, each calling inner()
 *                           (the lines of their defs are in SCRIPT)
 *
 * It prints how many probes it fired. */
#define _SDT_HAS_SEMAPHORES 1
#include <stdio.h>
#include <stdlib.h>
#include <sys/sdt.h>

unsigned short python_function__entry_semaphore __attribute__((section(".probes")));
unsigned short python_function__return_semaphore __attribute__((section(".probes")));

/* What discovery requires of a CPython file. */
const char py_version[] __attribute__((used)) = "3.10.99";
struct fake { void *a, *b; };
struct fake _PyRuntime, PyCode_Type, PyUnicode_Type, PyLong_Type, PyFloat_Type, PyBool_Type;
struct fake _Py_NoneStruct, _Py_TrueStruct, _Py_FalseStruct, PyGen_Type, PyCoro_Type;

static long fired;

/* CPython's names live in memory it has used; a literal never read may be
 * on a page not yet faulted in, which a BPF program cannot read. */
static void touch(const char *s)
{
	volatile char c = s[0];
	(void)c;
}

static void call(const char *file, const char *func, int line)
{
	touch(func);
	if (python_function__entry_semaphore) {
		DTRACE_PROBE3(python, function__entry, file, func, line);
		fired++;
	}
}

static void ret(const char *file, const char *func, int line)
{
	touch(func);
	if (python_function__return_semaphore) {
		DTRACE_PROBE3(python, function__return, file, func, line);
		fired++;
	}
}

__attribute__((noinline)) void *_PyEval_EvalFrameDefault(void *tstate, void *frame, int throwflag)
{
	(void)tstate; (void)throwflag;
	return frame;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: %s SCRIPT N\n", argv[0]);
		return 2;
	}
	const char *file = argv[1];
	long n = atol(argv[2]);
	for (long i = 0; i < n; i++) {
		call(file, "work", 4);
		call(file, "inner", 6);
		ret(file, "inner", 6);
		ret(file, "work", 4);
		_PyEval_EvalFrameDefault(0, 0, 0);
	}
	printf("fired %ld\n", fired);
	return 0;
}
