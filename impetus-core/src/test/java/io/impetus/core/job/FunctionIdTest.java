package io.impetus.core.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Method;
import org.junit.jupiter.api.Test;

class FunctionIdTest {
    static int square(int x) {
        return x * x;
    }

    static int twice(int x) {
        return 2 * x;
    }

    static long twice(long x) {
        return 2 * x;
    }

    int instance(int x) {
        return x;
    }

    @Test
    void readsClassHashMethodAndWritesItBack() {
        FunctionId id = FunctionId.parse("a.b.C$D#run");
        assertThat(id.className()).isEqualTo("a.b.C$D");
        assertThat(id.method()).isEqualTo("run");
        assertThat(id.text()).isEqualTo("a.b.C$D#run");
    }

    @Test
    void refusesTextWithoutAHashOrWithAnEmptyPart() {
        assertThatThrownBy(() -> FunctionId.parse("a.b.C")).hasMessageContaining("is not Class#method");
        assertThatThrownBy(() -> FunctionId.parse("#run")).hasMessageContaining("both parts non-empty");
        assertThatThrownBy(() -> FunctionId.parse("a.b.C#")).hasMessageContaining("both parts non-empty");
    }

    @Test
    void findsTheOneStaticOneArgumentMethod() throws Exception {
        Method m = FunctionId.of(FunctionIdTest.class, "square").resolve(FunctionIdTest.class.getClassLoader());
        assertThat(m.getName()).isEqualTo("square");
    }

    @Test
    void refusesAnOverloadedOrAnInstanceMethodWithTheCount() {
        assertThatThrownBy(() -> FunctionId.of(FunctionIdTest.class, "twice"))
                .hasMessageContaining("has 2 static one-argument methods named 'twice'");
        assertThatThrownBy(() -> FunctionId.of(FunctionIdTest.class, "instance"))
                .hasMessageContaining("has 0 static one-argument methods named 'instance'");
    }

    @Test
    void refusesAClassOtherThanTheOneItNames() {
        assertThatThrownBy(() -> FunctionId.parse("x.Y#square").in(FunctionIdTest.class))
                .hasMessageContaining("is not declared by");
    }
}
