"""The SCAP Security Guide (ComplianceAsCode) rules the security layer evaluates: each
rule's id, its title and its CCE per RHEL release, as the rules' own rule.yml files say
(`identifiers: cce@rhel8: CCE-...`).

Source: https://github.com/ComplianceAsCode/content at commit
b3a2cca9352cbcefb7f00d770bfd6f679da18d6a (2026-08-21), the path of each rule.yml below.
RHEL 7's CCEs were removed from the content by commit 92cab805c69f ("Remove rhel 7
identifiers and references", 2024-06-26): they are read from its parent,
de675be1110b58b87c61c8989440e7502ad1b4cd.  The dnf-automatic rules never had a RHEL 7
CCE (EL7 has yum-cron, which the content has no rule for).  docs/security.md's table is
checked against this data (tests/test_security.py).
"""

CONTENT_COMMIT = "b3a2cca9352cbcefb7f00d770bfd6f679da18d6a"
RHEL7_COMMIT = "de675be1110b58b87c61c8989440e7502ad1b4cd"
RELEASES = (7, 8, 9, 10)


class Rule(object):
    __slots__ = ("id", "title", "path", "cce")

    def __init__(self, id, title, path, cce):
        self.id = id  # the rule id: xccdf_org.ssgproject.content_rule_<id> in SCAP content
        self.title = title
        self.path = path  # its rule.yml in the content repository
        self.cce = dict(cce)  # EL major -> CCE id

    @property
    def xccdf_id(self):
        return "xccdf_org.ssgproject.content_rule_" + self.id

    def cce_for(self, el):
        """The CCE of the rule for RHEL `el` (an int), or None."""
        return self.cce.get(el)


RULES = (
    Rule('sshd_disable_root_login', 'Disable SSH Root Login',
         'linux_os/guide/services/ssh/ssh_server/sshd_disable_root_login/rule.yml',
         {7: 'CCE-27445-6', 8: 'CCE-80901-2', 9: 'CCE-90800-4', 10: 'CCE-89730-6'}),
    Rule('no_empty_passwords', 'Prevent Login to Accounts With Empty Password',
         'linux_os/guide/system/accounts/accounts-restrictions/password_storage/no_empty_passwords/rule.yml',
         {7: 'CCE-27286-4', 8: 'CCE-80841-0', 9: 'CCE-83611-4', 10: 'CCE-86640-0'}),
    Rule('no_empty_passwords_etc_shadow', 'Ensure There Are No Accounts With Blank or Null Passwords',
         'linux_os/guide/system/accounts/accounts-restrictions/password_storage/no_empty_passwords_etc_shadow/rule.yml',
         {7: 'CCE-86347-2', 8: 'CCE-85953-8', 9: 'CCE-85972-8', 10: 'CCE-90491-2'}),
    Rule('service_firewalld_enabled', 'Verify firewalld Enabled',
         'linux_os/guide/system/network/network-firewalld/firewalld_activation/service_firewalld_enabled/rule.yml',
         {7: 'CCE-80998-8', 8: 'CCE-80877-4', 9: 'CCE-90833-5', 10: 'CCE-88110-2'}),
    Rule('set_firewalld_default_zone', 'Set Default firewalld Zone for Incoming Packets',
         'linux_os/guide/system/network/network-firewalld/ruleset_modifications/set_firewalld_default_zone/rule.yml',
         {7: 'CCE-27349-0', 8: 'CCE-80890-7', 9: 'CCE-84023-1', 10: 'CCE-87823-1'}),
    Rule('selinux_state', 'Ensure SELinux State is Enforcing',
         'linux_os/guide/system/selinux/selinux_state/rule.yml',
         {7: 'CCE-27334-2', 8: 'CCE-80869-1', 9: 'CCE-84079-3', 10: 'CCE-89386-7'}),
    Rule('selinux_policytype', 'Configure SELinux Policy',
         'linux_os/guide/system/selinux/selinux_policytype/rule.yml',
         {7: 'CCE-27279-9', 8: 'CCE-80868-3', 9: 'CCE-84074-4', 10: 'CCE-88366-0'}),
    Rule('ensure_gpgcheck_globally_activated', 'Ensure gpgcheck Enabled In Main dnf/yum Configuration',
         'linux_os/guide/system/software/updating/ensure_gpgcheck_globally_activated/rule.yml',
         {7: 'CCE-26989-4', 8: 'CCE-80790-9', 9: 'CCE-83457-2', 10: 'CCE-88404-9'}),
    Rule('ensure_gpgcheck_never_disabled', 'Ensure gpgcheck Enabled for All dnf/yum Package Repositories',
         'linux_os/guide/system/software/updating/ensure_gpgcheck_never_disabled/rule.yml',
         {7: 'CCE-26876-3', 8: 'CCE-80792-5', 9: 'CCE-83464-8', 10: 'CCE-88176-3'}),
    Rule('timer_dnf-automatic_enabled', 'Enable dnf-automatic Timer',
         'linux_os/guide/system/software/updating/timer_dnf-automatic_enabled/rule.yml',
         {8: 'CCE-82360-9', 9: 'CCE-83459-8', 10: 'CCE-90249-4'}),
    Rule('dnf-automatic_apply_updates', 'Configure dnf-automatic to Install Available Updates Automatically',
         'linux_os/guide/system/software/updating/dnf-automatic_apply_updates/rule.yml',
         {8: 'CCE-82494-6', 9: 'CCE-83456-4', 10: 'CCE-86671-5'}),
    Rule('dnf-automatic_security_updates_only', 'Configure dnf-automatic to Install Only Security Updates',
         'linux_os/guide/system/software/updating/dnf-automatic_security_updates_only/rule.yml',
         {8: 'CCE-82267-6', 9: 'CCE-83461-4', 10: 'CCE-87469-3'}),
    Rule('file_permissions_unauthorized_world_writable', 'Ensure No World-Writable Files Exist',
         'linux_os/guide/system/permissions/files/file_permissions_unauthorized_world_writable/rule.yml',
         {7: 'CCE-80131-6', 8: 'CCE-80818-8', 9: 'CCE-83902-7', 10: 'CCE-87656-5'}),
)
RULE_BY_ID = {rule.id: rule for rule in RULES}


def describe(rule_id, el=None):
    """"sshd_disable_root_login (CCE-80901-2)" for RHEL `el`, or the rule id alone when
    the release has no CCE for it.

    >>> describe("sshd_disable_root_login", 9)
    'sshd_disable_root_login (CCE-90800-4)'
    >>> describe("timer_dnf-automatic_enabled", 7)
    'timer_dnf-automatic_enabled'
    """
    rule = RULE_BY_ID[rule_id]
    cce = rule.cce_for(el) if el else None
    return "%s (%s)" % (rule.id, cce) if cce else rule.id
