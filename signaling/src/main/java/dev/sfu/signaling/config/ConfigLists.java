package dev.sfu.signaling.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueType;

import java.util.ArrayList;
import java.util.List;

/**
 * A HOCON setting that is a list of strings: a list in a configuration file, or one
 * comma-separated string where it comes from the environment or a flag
 * ({@code SFU_STUN_URLS=stun:a,stun:b}). Entries are stripped and blank ones left out.
 */
public final class ConfigLists {
    private ConfigLists() {
    }

    /** The strings at {@code key}; empty when the key is absent. */
    public static List<String> strings(Config c, String key) {
        if (!c.hasPath(key)) {
            return List.of();
        }
        List<String> raw = c.getValue(key).valueType() == ConfigValueType.STRING
                ? List.of(c.getString(key).split(",")) : c.getStringList(key);
        List<String> out = new ArrayList<>();
        for (String s : raw) {
            if (!s.isBlank()) {
                out.add(s.strip());
            }
        }
        return out;
    }
}
