"""Dump real objects for the pyframes tests (runs on Python 3.8+).

argv[1] is the Layout as JSON. Prints one JSON object:
  strs/ints/floats: raw bytes of each object (hex) and what Python says it is;
  checks: [name, got, want] pairs read in-process with ctypes through the
  layout's offsets (thread state, frames, generators).
"""
import ctypes
import json
import sys

L = json.loads(sys.argv[1])


def raw(o, n=None):
    return ctypes.string_at(id(o), n or sys.getsizeof(o)).hex()


def u64(a):
    return ctypes.c_uint64.from_address(a).value


def i32(a):
    return ctypes.c_int32.from_address(a).value


def i8(a):
    return ctypes.c_int8.from_address(a).value


def u8(a):
    return ctypes.c_uint8.from_address(a).value


strs = ["", "a", "hello, world", "x" * 100, "café", "\xff\xe9", "Ωmega",
        "日本語テキスト", "\u0100" * 3, "😀x", "a\U0010ffff", "\ud800", "\x00nul"]
ints = [0, 1, -1, 7, 2**30 - 1, 2**30, -2**30, 2**60, 2**90 - 1, -(2**89),
        10**30, 12345678901234567890, -(2**200) + 1, 2**64]
floats = [0.0, -0.0, 1.0, -2.5, 0.1, 100.0, 1e15, 1e16, 123456789012345678.0,
          1e22, 1e-4, 1e-5, 1.5e-7, 3.141592653589793, 0.30000000000000004,
          5e-324, 1.7976931348623157e308, float("inf"), float("-inf"),
          float("nan"), 2.0**52, 9007199254740993.0, 1234.5678]

out = {
    "version": list(sys.version_info[:3]),
    "strs": [{"raw": raw(s), "want": [ord(c) for c in s]} for s in strs],
    "ints": [{"raw": raw(i), "want": str(i)} for i in ints],
    "floats": [{"raw": raw(f), "want": repr(f)} for f in floats],
    "checks": [],
}
checks = out["checks"]


def check(name, got, want):
    checks.append([name, got, want])


api = ctypes.pythonapi
api.PyThreadState_Get.restype = ctypes.c_void_p
api.PyInterpreterState_Main.restype = ctypes.c_void_p
T, I, F, G, C = L["Thread"], L["Interp"], L["Frame"], L["Gen"], L["Code"]
interp = api.PyInterpreterState_Main()
runtime = ctypes.addressof(ctypes.c_char.in_dll(api, "_PyRuntime"))
check("_PyRuntime.interpreters.head", u64(runtime + L["Runtime"]["InterpretersHead"]), interp)


def code_of(frame):
    return u64(frame + F["Code"]) & ~F["CodeTagMask"]


def current_frame():
    """The address of the caller's frame (alive while the caller runs),
    found from the thread state: the thread state's current frame is this
    function's own frame, whose previous frame is the caller's."""
    # Read inline: a Python helper such as u64() would be the current frame.
    ts = api.PyThreadState_Get()
    if T["Frame"] >= 0:
        own = ctypes.c_uint64.from_address(ts + T["Frame"]).value
    elif T["CFrame"] >= 0:
        own = ctypes.c_uint64.from_address(
            ctypes.c_uint64.from_address(ts + T["CFrame"]).value + T["CFrameCurrentFrame"]).value
    else:
        own = ctypes.c_uint64.from_address(ts + T["CurrentFrame"]).value
    check("tstate->interp", u64(ts + T["Interp"]), interp)
    check("interp threads head", u64(interp + I["ThreadsHead"]), ts)
    check("own frame code", code_of(own), id(current_frame.__code__))
    if not L["Eval"]["InterpreterFrame"]:
        check("own frame is sys._getframe()", own, id(sys._getframe()))
    return u64(own + F["Previous"])


def caller():
    frame = current_frame()
    me = sys._getframe()
    check("frame code", code_of(frame), id(me.f_code))
    prev = u64(frame + F["Previous"])
    if L["Eval"]["InterpreterFrame"]:
        check("frame owner", u8(frame + F["Owner"]), F["OwnerThread"])
        check("previous frame code", code_of(prev), id(me.f_back.f_code))
    else:
        check("frame is sys._getframe()", frame, id(me))
        check("f_back", prev, id(me.f_back))
    return frame


def func(a, b, c=1, *args, d, **kw):
    x = 1
    return caller()


func(1, 2, d=3)

code = func.__code__
cb = code  # keep alive
check("co_name", u64(id(code) + C["Name"]), id(code.co_name))
check("co_filename", u64(id(code) + C["Filename"]), id(code.co_filename))
if C["Qualname"] >= 0:
    check("co_qualname", u64(id(code) + C["Qualname"]), id(code.co_qualname))
check("co_firstlineno", i32(id(code) + C["Firstlineno"]), code.co_firstlineno)
check("co_flags", i32(id(code) + C["Flags"]), code.co_flags)
check("co_argcount", i32(id(code) + C["Argcount"]), code.co_argcount)
check("co_posonlyargcount", i32(id(code) + C["Posonlyargcount"]), code.co_posonlyargcount)
check("co_kwonlyargcount", i32(id(code) + C["Kwonlyargcount"]), code.co_kwonlyargcount)
check("co_nlocals", i32(id(code) + C["Nlocals"]), code.co_nlocals)
if C["Varnames"] >= 0:
    check("co_varnames", u64(id(code) + C["Varnames"]), id(code.co_varnames))
    check("co_cellvars", u64(id(code) + C["Cellvars"]), id(code.co_cellvars))
    check("co_freevars", u64(id(code) + C["Freevars"]), id(code.co_freevars))
if C["Nlocalsplus"] >= 0:
    n = code.co_nlocals + len(code.co_cellvars) + len(code.co_freevars)
    check("co_nlocalsplus", i32(id(code) + C["Nlocalsplus"]), n)


def closure_arg(a, b):
    def inner():
        return a
    return current_frame(), inner


# A cell argument: ≤3.10 moved to the cell area, 3.11+ the slot is a cell.
frame, inner = closure_arg("A", "B")
cc = closure_arg.__code__
if C["Cell2arg"] >= 0:
    c2a = u64(id(cc) + C["Cell2arg"])
    check("co_cell2arg set", c2a != 0, True)
    check("co_cell2arg[0]", ctypes.c_ssize_t.from_address(c2a).value, 0)
else:
    # The bytes data (ob_sval) starts at sys.getsizeof(b"") - 1.
    kinds = ctypes.string_at(u64(id(cc) + C["Localspluskinds"]) + sys.getsizeof(b"") - 1, 2)
    check("localspluskinds[a]", kinds[0], C["KindLocal"] | C["KindCell"])
    check("localspluskinds[b]", kinds[1], C["KindLocal"])

ST = G["States"]


def gen():
    frame = current_frame()
    yield frame
    return 1


g = gen()
check("CO_GENERATOR", bool(g.gi_code.co_flags & C["FlagGenerator"]), True)
if G["FrameState"] >= 0:
    check("gi_frame_state created", i8(id(g) + G["FrameState"]), ST["Created"])
gframe = next(g)
if G["IFrame"] >= 0:
    check("generator frame embedded at gi_iframe", gframe - G["IFrame"], id(g))
    check("generator frame owner", u8(gframe + F["Owner"]), F["OwnerGenerator"])
    check("gi_frame_state suspended", i8(id(g) + G["FrameState"]), ST["Suspended"])
else:
    gf = u64(id(g) + G["GiFrame"])
    check("gi_frame", gf, id(g.gi_frame))
    check("generator frame", gframe, gf)
    if F["Stacktop"] >= 0:
        check("f_stacktop of suspended frame set", u64(gf + F["Stacktop"]) != 0, True)
    else:
        check("f_state suspended", i8(gf + F["State"]), ST["Suspended"])


def returning():
    return current_frame()


if F["Stacktop"] >= 0 or F["State"] >= 0:
    # Keep the frame alive through a frame object reference.
    def keep():
        f = sys._getframe()
        return current_frame(), f

    addr, fobj = keep()
    if F["Stacktop"] >= 0:
        check("f_stacktop of returned frame NULL", u64(addr + F["Stacktop"]), 0)
    else:
        check("f_state returned", i8(addr + F["State"]), ST["Completed"])
try:
    next(g)
except StopIteration:
    pass
if G["FrameState"] >= 0:
    check("gi_frame_state after return", i8(id(g) + G["FrameState"]) in (ST["Completed"], ST["Cleared"]), True)


async def coro():
    return 1


co = coro()
check("CO_COROUTINE", bool(co.cr_code.co_flags & C["FlagCoroutine"]), True)
co.close()


async def agen():
    yield 1


check("CO_ASYNC_GENERATOR", bool(agen.__code__.co_flags & C["FlagAsyncGenerator"]), True)
check("CO_NEWLOCALS", bool(func.__code__.co_flags & C["FlagNewlocals"]), True)

json.dump(out, sys.stdout)
