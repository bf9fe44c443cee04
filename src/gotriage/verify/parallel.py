"""A few threads for verify's independent steps (the service layer's commands, hashing):
concurrent.futures would do, but importing it imports logging, start-up time every run
pays for.  hashlib lets go of the GIL while it hashes, and a thread waiting on a command
holds nothing, so two cores do two things at once."""

import threading


class Task(object):
    """One call running on its own thread; result() waits for it (and raises what it
    raised)."""

    def __init__(self, func, args):
        self._value = self._error = None
        self._thread = threading.Thread(target=self._run, args=(func, args), daemon=True)
        self._thread.start()

    def _run(self, func, args):
        try:
            self._value = func(*args)
        except BaseException as exc:  # given back to whoever waits for the result
            self._error = exc

    def wait(self):
        self._thread.join()

    def result(self):
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value


class Pool(object):
    """submit(func, *args) -> Task; map(func, items) -> [results] in the order of items,
    computed by `workers` threads (the first error raised once all are done)."""

    def __init__(self, workers):
        self.workers = max(1, workers)

    def submit(self, func, *args):
        return Task(func, args)

    def map(self, func, items):
        items = list(items)
        results = [None] * len(items)
        errors = []
        lock = threading.Lock()
        todo = iter(range(len(items)))

        def work():
            while True:
                with lock:
                    index = next(todo, None)
                if index is None:
                    return
                try:
                    results[index] = func(items[index])
                except BaseException as exc:
                    errors.append(exc)
        tasks = [Task(work, ()) for _ in range(min(self.workers, len(items)))]
        for task in tasks:
            task.result()
        if errors:
            raise errors[0]
        return results
