package io.impetus.client.internal;

import io.impetus.client.JobFunction;
import java.lang.invoke.MethodHandleInfo;
import java.lang.invoke.SerializedLambda;
import io.impetus.core.job.FunctionId;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A job function resolved to the static method it names.
 *
 * @param declaring the class that declares it
 * @param method the method
 */
public record FunctionRef(Class<?> declaring, Method method) {
    /** Resolved once per lambda class: a call site always names the same method. */
    private static final Map<Class<?>, FunctionRef> CACHE = new ConcurrentHashMap<>();

    /** {@code fully.qualified.Class#method}, as the envelope's {@code function}. */
    public String id() {
        return new FunctionId(declaring.getName(), method.getName()).text();
    }

    public String name() {
        return method.getName();
    }

    /** Reads a method reference or non-capturing lambda (once per call site). */
    public static FunctionRef of(JobFunction<?, ?> fn) {
        FunctionRef known = CACHE.get(fn.getClass());
        if (known == null) {
            known = resolve(fn);
            CACHE.put(fn.getClass(), known);
        }
        return known;
    }

    private static FunctionRef resolve(JobFunction<?, ?> fn) {
        SerializedLambda lambda;
        try {
            Method writeReplace = fn.getClass().getDeclaredMethod("writeReplace");
            writeReplace.setAccessible(true);
            lambda = (SerializedLambda) writeReplace.invoke(fn);
        } catch (ReflectiveOperationException | ClassCastException | SecurityException e) {
            throw new IllegalArgumentException("fork takes a method reference (Class::method) or a lambda, not "
                    + fn.getClass().getName(), e);
        }
        if (lambda.getImplMethodKind() != MethodHandleInfo.REF_invokeStatic) {
            throw new IllegalArgumentException("job function " + lambda.getImplMethodName()
                    + " must be static: it runs in another process, away from this object");
        }
        if (lambda.getCapturedArgCount() > 0) {
            throw new IllegalArgumentException("job lambda in " + lambda.getImplClass().replace('/', '.')
                    + " captures local variables; pass everything it needs as its argument instead");
        }
        try {
            Class<?> declaring = Class.forName(lambda.getImplClass().replace('/', '.'), false,
                    fn.getClass().getClassLoader());
            return of(declaring, lambda.getImplMethodName());
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("cannot load " + lambda.getImplClass(), e);
        }
    }

    /** The one static method of one argument named {@code name} in {@code declaring} ({@link FunctionId}'s rule). */
    public static FunctionRef of(Class<?> declaring, String name) {
        return new FunctionRef(declaring, FunctionId.methodIn(declaring, name));
    }
}
