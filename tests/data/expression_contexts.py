# Every construct that gives a name, attribute, subscript, tuple, list or starred element its
# expression context (LOAD / STORE / DEL): tests/test_performance.py compares tf2migrate's
# expression_contexts() with LibCST's ExpressionContextProvider on this file.
import a.b.c, e as f2
from g import h as i2, j
from . import k2 as k3

x: int = (y := 3)
x2: list[int]
del a[1], b.c, (d, e2)
u += 1
v[w:z, ...] = (1, [2, *s])
p, *q = r = t.u[0] = 1, 2
[f for f, (g, h) in z if (k := f) for m in f if m]
{kk: vv for kk, vv in items}
(gen for gen.attr in seq)
print(f"{x!r:{w}}", *args, **kwargs)
lambda a, /, b=lambda: c, *, d: a


async def fn(p: T = q, *args: A, k=1, **kw) -> R[T]:
    async for i, j in w:
        pass
    else:
        pass
    async with m as (n, o), m2 as n2.attr:
        pass
    global G
    nonlocal_value = [await x for x in y]
    return (yield from it)


@decorator(arg)
class C(B, metaclass=M):
    attribute: int = 0

    @property
    def method(self, value=default) -> int:
        for self.i in range(3):
            self.items[self.i] = value
        return self.items


match cmd:
    case [1, Point(x=0, y=yy), *rest] | {"k": vv, **kk} if yy > 0:
        pass
    case str() as s2:
        pass

try:
    pass
except E as err:
    pass
finally:
    del err

try:
    pass
except* F as err2:
    pass


def generic[T: int, *Ts, **P](value: T) -> T:
    return value


class Box[T]:
    type Alias[U] = list[U]
