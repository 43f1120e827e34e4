package io.impetus.client.internal;

import io.impetus.client.Process;
import io.impetus.client.Progress;
import io.impetus.client.Shutdown;
import io.impetus.client.Startup;
import io.impetus.core.error.ImpetusException;
import java.io.IOException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** A {@code Client}'s stage methods ({@code @Startup}, {@code @Process}, {@code @Shutdown}), found and checked for shape. */
public final class StageMethods {
    private StageMethods() {
    }

    /** The stages of {@code type}, in declaration order, checked for shape. */
    public static List<Stage> of(Class<?> type) {
        Map<String, Method> annotated = Arrays.stream(type.getDeclaredMethods())
                .filter(m -> m.isAnnotationPresent(Startup.class) || m.isAnnotationPresent(Process.class)
                        || m.isAnnotationPresent(Shutdown.class))
                .collect(Collectors.toMap(Method::getName, m -> m, (a, b) -> {
                    throw new IllegalArgumentException("two stage methods named " + a.getName());
                }));
        List<String> order;
        try {
            order = ClassFileMethods.inOrder(type);
        } catch (IOException e) {
            throw new ImpetusException("cannot read the declaration order of " + type.getName() + ": " + e, e);
        }
        List<Stage> stages = new ArrayList<>();
        for (String name : order) {
            Method m = annotated.get(name);
            if (m != null) {
                stages.add(new Stage(name, kind(m), m));
            }
        }
        check(type, stages);
        return stages;
    }

    private static Stage.Kind kind(Method m) {
        if (m.isAnnotationPresent(Startup.class)) {
            if (m.getParameterCount() != 0) {
                throw new IllegalArgumentException("@Startup " + m.getName() + " must take no parameters");
            }
            return Stage.Kind.STARTUP;
        }
        if (m.isAnnotationPresent(Process.class)) {
            if (!Arrays.equals(m.getParameterTypes(), new Class<?>[] {List.class, List.class})) {
                throw new IllegalArgumentException("@Process " + m.getName()
                        + " must take (List<Job> ready, List<Job> errors)");
            }
            return Stage.Kind.PROCESS;
        }
        if (m.getParameterCount() != 0 && !Arrays.equals(m.getParameterTypes(),
                new Class<?>[] {Map.class, Map.class, Progress.class})) {
            throw new IllegalArgumentException("@Shutdown " + m.getName()
                    + " must take () or (Map<String, Path> ready, Map<String, Path> errors, Progress progress)");
        }
        return Stage.Kind.SHUTDOWN;
    }

    private static void check(Class<?> type, List<Stage> stages) {
        if (stages.isEmpty() || stages.get(0).kind() != Stage.Kind.STARTUP
                || stages.stream().filter(s -> s.kind() == Stage.Kind.STARTUP).count() != 1) {
            throw new IllegalArgumentException(type.getName() + " needs exactly one @Startup stage, declared first");
        }
        long shutdowns = stages.stream().filter(s -> s.kind() == Stage.Kind.SHUTDOWN).count();
        if (shutdowns > 1 || (shutdowns == 1 && stages.get(stages.size() - 1).kind() != Stage.Kind.SHUTDOWN)) {
            throw new IllegalArgumentException(type.getName() + " may have one @Shutdown stage, declared last");
        }
    }
}
