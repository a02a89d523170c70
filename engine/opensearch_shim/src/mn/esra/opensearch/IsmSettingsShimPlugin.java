package mn.esra.opensearch;

import java.util.List;
import org.opensearch.common.settings.Setting;
import org.opensearch.plugins.Plugin;

/**
 * Registers the index settings of OpenSearch's Index State Management plugin, which Tasklist 8.6
 * puts into every index template it creates. The ISM plugin itself is not on Maven Central; without
 * these settings OpenSearch rejects the templates. The settings only need to exist: nothing acts on them.
 */
public class IsmSettingsShimPlugin extends Plugin {
  static final Setting<String> POLICY_ID = Setting.simpleString(
      "index.plugins.index_state_management.policy_id", Setting.Property.IndexScope, Setting.Property.Dynamic);
  static final Setting<String> ROLLOVER_ALIAS = Setting.simpleString(
      "index.plugins.index_state_management.rollover_alias", Setting.Property.IndexScope, Setting.Property.Dynamic);
  static final Setting<Boolean> AUTO_MANAGE = Setting.boolSetting(
      "index.plugins.index_state_management.auto_manage", true, Setting.Property.IndexScope,
      Setting.Property.Dynamic);

  @Override
  public List<Setting<?>> getSettings() {
    return List.of(POLICY_ID, ROLLOVER_ALIAS, AUTO_MANAGE);
  }
}
