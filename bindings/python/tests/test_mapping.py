"""`DB` as a MutableMapping over bytes: reads, writes, deletes, key and value types, iteration."""

from __future__ import annotations

from collections.abc import MutableMapping

import pytest

import scalodb


def test_is_a_mutable_mapping(mem: scalodb.DB) -> None:
    assert isinstance(mem, MutableMapping)
    assert isinstance(mem, scalodb.DB)


def test_put_get_delete(db: scalodb.DB) -> None:
    db.put(b"k", b"v")
    assert db.get(b"k") == b"v"
    assert db[b"k"] == b"v"
    assert db.delete(b"k") is True
    assert db.delete(b"k") is False
    assert db.get(b"k") is None


def test_get_default(mem: scalodb.DB) -> None:
    sentinel = object()
    assert mem.get(b"missing", sentinel) is sentinel
    assert mem.get(b"missing", default=b"d") == b"d"
    mem[b"present"] = b"v"
    assert mem.get(b"present", b"d") == b"v"


def test_missing_key_raises_key_error_with_the_key(mem: scalodb.DB) -> None:
    with pytest.raises(KeyError) as info:
        mem[b"nope"]
    assert info.value.args == (b"nope",)
    with pytest.raises(KeyError):
        del mem["nope"]


def test_str_keys_are_utf8(mem: scalodb.DB) -> None:
    mem["clé"] = b"1"
    assert mem["clé".encode()] == b"1"
    assert mem.get("clé") == b"1"
    assert "clé" in mem  # type: ignore[comparison-overlap]  # str keys work; the Mapping is typed by bytes
    assert list(mem) == ["clé".encode()]


def test_bytes_like_keys_and_values(mem: scalodb.DB) -> None:
    mem[bytearray(b"ba")] = bytearray(b"v1")
    mem[memoryview(b"mv")] = memoryview(b"v2")
    assert mem[b"ba"] == b"v1"
    assert mem[b"mv"] == b"v2"
    assert type(mem[b"ba"]) is bytes


def test_empty_key_and_value(mem: scalodb.DB) -> None:
    mem[b""] = b""
    assert mem[b""] == b""
    assert b"" in mem


def test_str_value_is_refused(mem: scalodb.DB) -> None:
    with pytest.raises(TypeError, match="encode"):
        mem.put(b"k", "text")  # type: ignore[arg-type]
    assert b"k" not in mem


@pytest.mark.parametrize("bad", [1, 1.5, None, ["k"], ("k",)])
def test_other_key_types_are_refused(mem: scalodb.DB, bad: object) -> None:
    with pytest.raises(TypeError, match="keys must be bytes or str"):
        mem.put(bad, b"v")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        mem.get(bad)  # type: ignore[call-overload]
    assert bad not in mem  # like dict: `in` answers False rather than raising


def test_len_and_bool(mem: scalodb.DB) -> None:
    assert len(mem) == 0
    assert not mem
    for i in range(10):
        mem[b"%d" % i] = b"x"
    mem[b"3"] = b"overwrite"
    del mem[b"4"]
    assert len(mem) == 9
    assert mem


def test_iteration_is_in_key_order(mem: scalodb.DB) -> None:
    for k in [b"b", b"a", b"c", b"ab", b"\xff", b"\x00"]:
        mem[k] = k + k
    assert list(mem) == [b"\x00", b"a", b"ab", b"b", b"c", b"\xff"]
    assert list(mem.keys()) == list(mem)
    assert list(mem.items()) == [(k, k + k) for k in list(mem)]
    assert list(mem.values()) == [k + k for k in list(mem)]
    assert (b"a", b"aa") in mem.items()
    assert b"bb" in mem.values()


def test_mixin_methods(mem: scalodb.DB) -> None:
    mem.update({b"a": b"1"}, b=b"2")
    mem.update([(b"c", b"3")])
    assert dict(mem) == {b"a": b"1", b"b": b"2", b"c": b"3"}
    assert mem == {b"a": b"1", b"b": b"2", b"c": b"3"}
    assert mem.pop(b"a") == b"1"
    assert mem.pop(b"a", b"gone") == b"gone"
    assert mem.setdefault(b"b", b"new") == b"2"
    assert mem.setdefault(b"d", b"4") == b"4"
    assert mem.popitem() == (b"b", b"2")
    assert dict(mem) == {b"c": b"3", b"d": b"4"}


def test_clear(mem: scalodb.DB) -> None:
    for i in range(25_000):
        mem[b"%06d" % i] = b"v"
    mem.clear()
    assert len(mem) == 0
    assert list(mem) == []
    mem[b"after"] = b"1"
    assert dict(mem) == {b"after": b"1"}


def test_update_is_atomic_on_a_bad_item(mem: scalodb.DB) -> None:
    with pytest.raises(TypeError):
        mem.update({b"good": b"1", b"bad": "not bytes"})
    assert b"good" not in mem


def test_unhashable_like_dict(mem: scalodb.DB) -> None:
    with pytest.raises(TypeError):
        hash(mem)
