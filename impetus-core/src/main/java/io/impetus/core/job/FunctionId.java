package io.impetus.core.job;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;

/**
 * A job function's name on the wire, {@code fully.qualified.Class#method} (the envelope's
 * {@code function}), and the one rule that names a function: the declaring class has exactly one
 * static method of one argument by that name. The client applies it when it forks, the worker
 * again when it runs the job; both ask here.
 *
 * @param className the declaring class's binary name
 * @param method the method's name
 */
public record FunctionId(String className, String method) {
    public FunctionId {
        if (className == null || className.isBlank() || method == null || method.isBlank()) {
            throw new IllegalArgumentException("a job function is Class#method, both parts non-empty; was "
                    + className + "#" + method);
        }
    }

    /** Reads {@code Class#method}; anything else is refused with the reason. */
    public static FunctionId parse(String text) {
        int hash = text == null ? -1 : text.indexOf('#');
        if (hash < 0) {
            throw new IllegalArgumentException("function '" + text + "' is not Class#method");
        }
        return new FunctionId(text.substring(0, hash), text.substring(hash + 1));
    }

    /** The function {@code method} of {@code declaring}, checked against the rule. */
    public static FunctionId of(Class<?> declaring, String method) {
        methodIn(declaring, method);
        return new FunctionId(declaring.getName(), method);
    }

    /** {@code Class#method}, as the envelope carries it. */
    public String text() {
        return className + "#" + method;
    }

    @Override
    public String toString() {
        return text();
    }

    /** The method this names in {@code declaring} (whose name must be {@link #className()}). */
    public Method in(Class<?> declaring) {
        if (!declaring.getName().equals(className)) {
            throw new IllegalArgumentException("function " + text() + " is not declared by " + declaring.getName());
        }
        return methodIn(declaring, method);
    }

    /** Loads {@link #className()} with {@code loader} (initialising it) and finds the method in it. */
    public Method resolve(ClassLoader loader) throws ClassNotFoundException {
        return in(Class.forName(className, true, loader));
    }

    /** The rule: the one static method of one argument named {@code name} in {@code declaring}. */
    public static Method methodIn(Class<?> declaring, String name) {
        List<Method> found = Arrays.stream(declaring.getDeclaredMethods())
                .filter(m -> m.getName().equals(name) && m.getParameterCount() == 1
                        && Modifier.isStatic(m.getModifiers()))
                .toList();
        if (found.size() != 1) {
            throw new IllegalArgumentException(declaring.getName() + " has " + found.size()
                    + " static one-argument methods named '" + name + "'; a job function needs exactly one");
        }
        return found.get(0);
    }
}
