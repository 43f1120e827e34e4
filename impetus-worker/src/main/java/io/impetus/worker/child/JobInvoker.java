package io.impetus.worker.child;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import io.impetus.core.bundle.CodeBundle;
import io.impetus.core.codec.Json;
import io.impetus.core.job.ErrorResult;
import io.impetus.core.job.FunctionId;
import io.impetus.worker.protocol.WorkerOutcome;
import io.impetus.worker.protocol.WorkerTask;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs one job function from its bundle and turns what happened into a {@link WorkerOutcome}. Each
 * bundle gets one class loader, kept for the invoker's life: a worker process has one invoker, an
 * {@link InProcessWorker} one of its own (so its loaders go when it does). Thread-safe.
 */
final class JobInvoker implements AutoCloseable {
    static final String BLOCKED_EXCEPTION = "NodeBlockedException";

    private final long pid;
    private final Path scratch;
    private final Map<String, BundleClassLoader> loaders = new ConcurrentHashMap<>();
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    /** A resolved job function and the JSON type of its argument. */
    private record Entry(Method method, JavaType argType) {
    }

    JobInvoker(long pid, Path scratch) {
        this.pid = pid;
        this.scratch = scratch;
    }

    WorkerOutcome run(WorkerTask task) {
        BundleClassLoader loader;
        Entry entry;
        try {
            loader = loader(task);
            String key = task.bundleId() + "/" + task.function();
            entry = entries.get(key);
            if (entry == null) {
                FunctionId function = FunctionId.parse(task.function());
                String owner = function.className();
                if (!loader.holds(owner)) {
                    // only the classes the client shipped: never a JDK, Impetus or classpath static
                    // (Integer#toHexString in a forged job, say)
                    return failure(task, new ErrorResult("job function " + task.function() + " is refused: class "
                            + owner + " is not in the job's code bundle (a worker runs only functions of the classes"
                            + " their client shipped)", task.name(), null, null), false);
                }
                Method m = function.resolve(loader);
                m.setAccessible(true);
                entry = new Entry(m, Json.mapper().constructType(m.getGenericParameterTypes()[0]));
                entries.put(key, entry);
            }
        } catch (Exception | LinkageError e) {
            return failure(task, new ErrorResult("cannot load job function " + task.function() + ": " + e,
                    task.name(), null, null), false);
        }
        Method method = entry.method();
        Object arg;
        try {
            arg = Json.mapper().treeToValue(task.args(), entry.argType());
        } catch (Exception e) {
            return failure(task, new ErrorResult("cannot convert the argument " + task.args() + " to "
                    + method.getGenericParameterTypes()[0].getTypeName() + ": " + e.getMessage(),
                    task.name(), null, null), false);
        }
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(loader);
        try {
            Object value = method.invoke(null, arg);
            JsonNode result;
            try {
                result = Json.tree(value);
            } catch (IllegalArgumentException e) {
                return failure(task, new ErrorResult("the result of " + task.name() + " cannot be written as JSON: "
                        + e.getMessage(), task.name(), null, null), false);
            } catch (StackOverflowError e) {
                return failure(task, new ErrorResult("the result of " + task.name() + " cannot be written as JSON:"
                        + " it is nested too deeply", task.name(), null, null), false);
            } catch (OutOfMemoryError e) { // the result's copy was the allocation too many: it is gone again
                return failure(task, new ErrorResult("the result of " + task.name() + " is too large for the worker's"
                        + " heap to write (" + JobUpdates.HEAP_HINT + ")", task.name(), null, null), false);
            }
            return new WorkerOutcome(task.jobId(), pid, true, result, null, false);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            return failure(task, describe(cause, task.name(), loader), isBlocked(cause));
        } catch (IllegalAccessException e) {
            return failure(task, new ErrorResult("cannot call " + task.function() + ": " + e.getMessage(),
                    task.name(), null, null), false);
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }

    private WorkerOutcome failure(WorkerTask task, ErrorResult error, boolean blocked) {
        return new WorkerOutcome(task.jobId(), pid, false, null, error, blocked);
    }

    /** The seed's error shape: the line is the innermost frame in the job's own code. */
    static ErrorResult describe(Throwable cause, String name, BundleClassLoader loader) {
        String message = cause.getMessage() == null ? cause.getClass().getName() : cause.toString();
        StackTraceElement own = Arrays.stream(cause.getStackTrace())
                .filter(f -> loader.holds(f.getClassName()))
                .findFirst()
                .orElse(cause.getStackTrace().length > 0 ? cause.getStackTrace()[0] : null);
        return new ErrorResult(message, name, own == null || own.getLineNumber() < 0 ? null : own.getLineNumber(),
                own == null ? null : own.toString());
    }

    static boolean isBlocked(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c.getClass().getSimpleName().equals(BLOCKED_EXCEPTION)) {
                return true;
            }
        }
        return false;
    }

    private synchronized BundleClassLoader loader(WorkerTask task) throws IOException {
        BundleClassLoader loader = loaders.get(task.bundleId());
        if (loader == null) {
            CodeBundle bundle = CodeBundle.fromZip(Files.readAllBytes(Path.of(task.bundlePath())), task.bundleId());
            loader = BundleClassLoader.of(bundle, scratch, JobInvoker.class.getClassLoader());
            loaders.put(task.bundleId(), loader);
        }
        return loader;
    }

    /** Closes the bundles' class loaders (their jars); the invoker runs no job after this. */
    @Override
    public void close() {
        for (BundleClassLoader loader : loaders.values()) {
            try {
                loader.close();
            } catch (IOException e) {
                // a jar that will not close: nothing left to do with it
            }
        }
        loaders.clear();
        entries.clear();
    }
}
