# asyncio for the questv runtime: a single-threaded event loop over
# coroutines. A task's coroutine yields None (run again soon), a
# _Timer (wake at a deadline) or a Future (wake when it is done).
import time
from heapq import heappush, heappop



class CancelledError(BaseException):
    pass


TimeoutError = TimeoutError


class InvalidStateError(Exception):
    pass


def _now():
    return time.monotonic()


class _Timer:
    def __init__(self, when):
        self.when = when

    def __await__(self):
        yield self


class Future:
    def __init__(self):
        self._done = False
        self._result = None
        self._exc = None
        self._cancelled = False
        self._waiters = []

    def done(self):
        return self._done

    def cancelled(self):
        return self._cancelled

    def result(self):
        if not self._done:
            raise InvalidStateError("Result is not set.")
        if self._cancelled:
            raise CancelledError()
        if self._exc is not None:
            raise self._exc
        return self._result

    def exception(self):
        if not self._done:
            raise InvalidStateError("Exception is not set.")
        if self._cancelled:
            raise CancelledError()
        return self._exc

    def set_result(self, value):
        if self._done:
            raise InvalidStateError("invalid state")
        self._result = value
        self._finish()

    def set_exception(self, exc):
        if self._done:
            raise InvalidStateError("invalid state")
        if isinstance(exc, type):
            exc = exc()
        self._exc = exc
        self._finish()

    def cancel(self, msg=None):
        if self._done:
            return False
        self._cancelled = True
        self._finish()
        return True

    def add_done_callback(self, fn):
        if self._done:
            _loop()._call_soon(fn, self)
        else:
            self._waiters.append(fn)

    def _finish(self):
        self._done = True
        waiters = self._waiters
        self._waiters = []
        for fn in waiters:
            _loop()._call_soon(fn, self)

    def __await__(self):
        if not self._done:
            yield self
        return self.result()

    __iter__ = __await__


class Task(Future):
    def __init__(self, coro, name=None):
        Future.__init__(self)
        self._coro = coro
        self._must_cancel = False
        self._waiting = None
        self._name = name
        _loop()._call_soon(self._step, None)

    def get_name(self):
        return self._name

    def get_coro(self):
        return self._coro

    def cancel(self, msg=None):
        if self._done:
            return False
        self._must_cancel = True
        w = self._waiting
        self._waiting = None
        if isinstance(w, Future) and not isinstance(w, Task):
            w.cancel()
        elif isinstance(w, Task):
            w.cancel()
        _loop()._call_soon(self._step, None)
        return True

    def _wake(self, fut):
        if self._waiting is fut:
            self._waiting = None
            self._step(None)

    def _step(self, _arg):
        if self._done:
            return
        loop = _loop()
        prev = loop._current
        loop._current = self
        try:
            if self._must_cancel:
                self._must_cancel = False
                self._waiting = None
                req = self._coro.throw(CancelledError())
            else:
                if self._waiting is not None:
                    return
                req = self._coro.send(None)
        except StopIteration as e:
            loop._current = prev
            Future.set_result(self, e.value)
            return
        except CancelledError:
            loop._current = prev
            Future.cancel(self)
            return
        except BaseException as e:
            loop._current = prev
            Future.set_exception(self, e)
            if isinstance(e, (KeyboardInterrupt, SystemExit)):
                raise
            return
        loop._current = prev
        if req is None:
            loop._call_soon(self._step, None)
        elif isinstance(req, _Timer):
            self._waiting = req
            loop._call_at(req.when, self._timer_fired, req)
        elif isinstance(req, Future):
            self._waiting = req
            req.add_done_callback(self._wake)
        else:
            Future.set_exception(self, RuntimeError("Task got bad yield: %r" % (req,)))

    def _timer_fired(self, timer):
        if self._waiting is timer:
            self._waiting = None
            self._step(None)

    def __repr__(self):
        return "<Task %s>" % ("done" if self._done else "pending")


class _Loop:
    def __init__(self):
        self._ready = []
        self._timers = []
        self._seq = 0
        self._current = None
        self._stopping = False

    def _call_soon(self, fn, arg):
        self._ready.append((fn, arg))

    def _call_at(self, when, fn, arg):
        self._seq += 1
        heappush(self._timers, (when, self._seq, fn, arg))

    def call_soon(self, fn, *args):
        self._ready.append((lambda _a: fn(*args), None))

    def call_later(self, delay, fn, *args):
        self._call_at(_now() + delay, lambda _a: fn(*args), None)

    def time(self):
        return _now()

    def create_task(self, coro):
        return Task(coro)

    def _run_once(self):
        if not self._ready and self._timers:
            dt = self._timers[0][0] - _now()
            if dt > 0:
                time.sleep(dt)
        now = _now()
        while self._timers and self._timers[0][0] <= now:
            _w, _s, fn, arg = heappop(self._timers)
            self._ready.append((fn, arg))
        ready = self._ready
        self._ready = []
        for fn, arg in ready:
            fn(arg)

    def run_until_complete(self, fut):
        if not isinstance(fut, Future):
            fut = Task(fut)
        while not fut.done():
            if not self._ready and not self._timers:
                raise RuntimeError("Event loop stopped before Future completed.")
            self._run_once()
        return fut.result()

    def run_forever(self):
        while not self._stopping and (self._ready or self._timers):
            self._run_once()

    def stop(self):
        self._stopping = True

    def close(self):
        pass

    def is_running(self):
        return True


_the_loop = [None]


def _loop():
    if _the_loop[0] is None:
        _the_loop[0] = _Loop()
    return _the_loop[0]


def get_event_loop():
    return _loop()


def get_running_loop():
    return _loop()


def new_event_loop():
    _the_loop[0] = _Loop()
    return _the_loop[0]


def current_task():
    return _loop()._current


def run(main):
    loop = new_event_loop()
    try:
        return loop.run_until_complete(main)
    finally:
        _the_loop[0] = None


def create_task(coro, name=None):
    return Task(coro, name)


ensure_future = create_task


async def sleep(delay, result=None):
    if delay <= 0:
        await _Yield()
    else:
        await _Timer(_now() + delay)
    return result


def sleep_ms(ms):
    return sleep(ms / 1000)


class _Yield:
    def __await__(self):
        yield None


def iscoroutine(obj):
    return type(obj).__name__ == "coroutine"


def iscoroutinefunction(fn):
    return False


def _as_future(aw):
    if isinstance(aw, Future):
        return aw
    return Task(aw)


async def gather(*aws, return_exceptions=False):
    futs = [_as_future(a) for a in aws]
    results = []
    for f in futs:
        try:
            results.append(await f)
        except CancelledError:
            if not return_exceptions:
                raise
            results.append(CancelledError())
        except Exception as e:
            if not return_exceptions:
                raise
            results.append(e)
    return results


async def wait_for(aw, timeout):
    fut = _as_future(aw)
    if timeout is None:
        return await fut
    expired = [False]

    def on_timeout(_arg):
        if not fut.done():
            expired[0] = True
            fut.cancel()
    _loop()._call_at(_now() + timeout, on_timeout, None)
    try:
        return await fut
    except CancelledError:
        if expired[0]:
            raise TimeoutError()
        raise


async def wait(aws, timeout=None):
    futs = [_as_future(a) for a in aws]
    for f in futs:
        try:
            await f
        except BaseException:
            pass
    return set(futs), set()


def shield(aw):
    return _as_future(aw)


class Event:
    def __init__(self):
        self._flag = False
        self._waiters = []

    def is_set(self):
        return self._flag

    def set(self):
        if not self._flag:
            self._flag = True
            for f in self._waiters:
                if not f.done():
                    f.set_result(True)
            self._waiters = []

    def clear(self):
        self._flag = False

    async def wait(self):
        if self._flag:
            return True
        f = Future()
        self._waiters.append(f)
        await f
        return True


class Lock:
    def __init__(self):
        self._locked = False
        self._waiters = []

    def locked(self):
        return self._locked

    async def acquire(self):
        while self._locked:
            f = Future()
            self._waiters.append(f)
            try:
                await f
            except CancelledError:
                if f in self._waiters:
                    self._waiters.remove(f)
                raise
        self._locked = True
        return True

    def release(self):
        if not self._locked:
            raise RuntimeError("Lock is not acquired.")
        self._locked = False
        while self._waiters:
            f = self._waiters.pop(0)
            if not f.done():
                f.set_result(True)
                break

    async def __aenter__(self):
        await self.acquire()
        return None

    async def __aexit__(self, *exc):
        self.release()


class Semaphore:
    def __init__(self, value=1):
        self._value = value
        self._waiters = []

    def locked(self):
        return self._value == 0

    async def acquire(self):
        while self._value <= 0:
            f = Future()
            self._waiters.append(f)
            await f
        self._value -= 1
        return True

    def release(self):
        self._value += 1
        while self._waiters:
            f = self._waiters.pop(0)
            if not f.done():
                f.set_result(True)
                break

    async def __aenter__(self):
        await self.acquire()

    async def __aexit__(self, *exc):
        self.release()


class QueueEmpty(Exception):
    pass


class QueueFull(Exception):
    pass


class Queue:
    def __init__(self, maxsize=0):
        self.maxsize = maxsize
        self._items = []
        self._getters = []
        self._putters = []

    def qsize(self):
        return len(self._items)

    def empty(self):
        return not self._items

    def full(self):
        return self.maxsize > 0 and len(self._items) >= self.maxsize

    def _wake(self, waiters):
        while waiters:
            f = waiters.pop(0)
            if not f.done():
                f.set_result(None)
                break

    async def put(self, item):
        while self.full():
            f = Future()
            self._putters.append(f)
            await f
        self.put_nowait(item)

    def put_nowait(self, item):
        if self.full():
            raise QueueFull()
        self._items.append(item)
        self._wake(self._getters)

    async def get(self):
        while not self._items:
            f = Future()
            self._getters.append(f)
            await f
        return self.get_nowait()

    def get_nowait(self):
        if not self._items:
            raise QueueEmpty()
        item = self._items.pop(0)
        self._wake(self._putters)
        return item

    def task_done(self):
        pass

    async def join(self):
        while self._items:
            await sleep(0)
