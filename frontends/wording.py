"""What the chat says around the engine's answers, in Brazilian Portuguese and English.

The bot and the terminal walk share these words: the diagnosis is the same object everywhere
(diagnosis.py), and this module turns it into chat messages. Values are inserted with
`str.format`, so text a user typed is never read as a template.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from knowledge.intake.evidence import address_kind
from knowledge.playbook import Playbook, Text

__all__ = [
    "diagnosis_messages",
    "fact_value_label",
    "say",
    "source_lines",
    "understood_words",
    "verdict_words",
]

_PHRASES: dict[str, Text] = {
    "started_over": Text(
        en="Done, I've forgotten everything said so far. Describe the problem, or paste the error "
        "or the Service (`kubectl get svc NAME -o yaml`).",
        pt="Pronto, esqueci tudo o que foi dito. Descreva o problema, ou cole o erro ou o Serviço "
        "(`kubectl get svc NOME -o yaml`).",
    ),
    "not_understood": Text(
        en="I didn't understand that. I diagnose failures to reach a Service's ELB address from "
        "inside a CCE cluster: describe the problem, paste the error or the Service "
        '(`kubectl get svc NAME -o yaml`), or say "help".',
        pt="Não entendi. Eu diagnostico falhas de acesso ao endereço do ELB de um Serviço de "
        "dentro do cluster CCE: descreva o problema, cole o erro ou o Serviço "
        '(`kubectl get svc NOME -o yaml`), ou diga "ajuda".',
    ),
    "not_understood_answer": Text(
        en='I couldn\'t find an answer to "{question}" in what you wrote. Pick one of the buttons, '
        'or answer in your own words, for example "{example}". Not sure? Ask "how do I check?", '
        'or say "skip".',
        pt='Não encontrei uma resposta a "{question}" no que você escreveu. Escolha um dos '
        'botões, ou responda com suas palavras, por exemplo "{example}". Não sabe? Pergunte '
        '"como verifico?", ou diga "pular".',
    ),
    "empty_message": Text(
        en="Your message was empty. Describe the problem, or paste the error or the Service.",
        pt="Sua mensagem chegou vazia. Descreva o problema, ou cole o erro ou o Serviço.",
    ),
    "too_long": Text(
        en="Your message is too long ({size} characters; I read up to {limit}). Paste only the "
        "error line, or one Service (`kubectl get svc NAME -o yaml`).",
        pt="Sua mensagem é longa demais ({size} caracteres; eu leio até {limit}). Cole só a linha "
        "do erro, ou um Serviço (`kubectl get svc NOME -o yaml`).",
    ),
    "invalid_value": Text(
        en='"{value}" is not a valid answer for {fact}. Valid answers: {valid}.',
        pt='"{value}" não é uma resposta válida para {fact}. Respostas válidas: {valid}.',
    ),
    "invalid_reason": Text(
        en='"{value}" is not a valid answer for {fact} ({problem}).',
        pt='"{value}" não é uma resposta válida para {fact} ({problem}).',
    ),
    "contradiction": Text(
        en='"{value}" for {fact} contradicts what you said before ({reason}). I left {fact} as it '
        'was; say "start over" to begin again.',
        pt='"{value}" para {fact} contradiz o que você disse antes ({reason}). Deixei {fact} como '
        'estava; diga "recomeçar" para começar de novo.',
    ),
    "understood": Text(en="Understood: {facts}.", pt="Entendi: {facts}."),
    "address_is": Text(
        en="{label} ({address} is a {kind} address)",
        pt="{label} ({address} é um endereço {kind})",
    ),
    "private": Text(en="private", pt="privado"),
    "public": Text(en="public", pt="público"),
    "confirm_one": Text(
        en="Just to be sure: do you mean {options}? Tap it to confirm, or answer again: {question}",
        pt="Só para confirmar: você quis dizer {options}? Toque para confirmar, ou responda de "
        "novo: {question}",
    ),
    "confirm_which": Text(
        en="I'm not sure which you mean: {options}? Pick one, or answer again: {question}",
        pt="Não tenho certeza de qual você quis dizer: {options}? Escolha uma, ou responda de "
        "novo: {question}",
    ),
    "paste_problem": Text(
        en="I couldn't read the pasted Service: {problem}. Paste the whole output of "
        "`kubectl get svc NAME -o yaml` (or `-o json`), or answer the questions.",
        pt="Não consegui ler o Serviço colado: {problem}. Cole a saída completa de "
        "`kubectl get svc NOME -o yaml` (ou `-o json`), ou responda às perguntas.",
    ),
    "manifest_placeholders": Text(
        en="I couldn't build a valid manifest from your Service ({problem}); the fixes below use "
        "placeholders to replace with your Service's names.",
        pt="Não consegui montar um manifesto válido a partir do seu Serviço ({problem}); as "
        "correções abaixo usam marcadores a trocar pelos nomes do seu Serviço.",
    ),
    "verdict_fails": Text(
        en="Diagnosis: this access fails, and that is documented.",
        pt="Diagnóstico: esse acesso falha, e isso é documentado.",
    ),
    "verdict_works": Text(
        en="Diagnosis: by the documentation, this access should work.",
        pt="Diagnóstico: segundo a documentação, esse acesso deveria funcionar.",
    ),
    "verdict_unsupported": Text(
        en="Diagnosis: this setup is not supported.",
        pt="Diagnóstico: essa configuração não é suportada.",
    ),
    "verdict_out-of-scope": Text(
        en="Diagnosis: this case is outside what the FAQ covers.",
        pt="Diagnóstico: esse caso está fora do que o FAQ cobre.",
    ),
    "how_to_check_button": Text(en="How do I check?", pt="Como verifico?"),
    "skip_button": Text(en="Skip (I don't know)", pt="Pular (não sei)"),
    "skipped": Text(
        en='Skipped: "{question}". I won\'t ask it again; if the answer matters, the diagnosis '
        "gives the verdict for each possible answer.",
        pt='Pulei: "{question}". Não pergunto de novo; se a resposta importar, o diagnóstico '
        "dá o veredito para cada resposta possível.",
    ),
    "how_to_check": Text(
        en="How to check: {text}{command}\n\nSource: {source}",
        pt="Como verificar: {text}{command}\n\nFonte: {source}",
    ),
    "check_nothing_asked": Text(
        en="There is no open question right now. Describe the problem, or paste the error or the "
        "Service (`kubectl get svc NAME -o yaml`): I read every fact it shows.",
        pt="Não há pergunta em aberto agora. Descreva o problema, ou cole o erro ou o Serviço "
        "(`kubectl get svc NOME -o yaml`): eu leio cada fato que ele mostra.",
    ),
    "verdict_depends": Text(
        en="Diagnosis: it depends on the question you skipped; here is each case.",
        pt="Diagnóstico: depende da pergunta que você pulou; veja cada caso.",
    ),
    "unchanged": Text(
        en="Nothing has changed since the diagnosis above (verdict: {verdict}). Tell me what differs, ask "
        '"why?", or say "start over" for a new case.',
        pt="Nada mudou desde o diagnóstico acima (veredito: {verdict}). Diga o que é diferente, pergunte "
        '"por quê?", ou diga "recomeçar" para um novo caso.',
    ),
    "fix_recommended": Text(en="Recommended fix: {title}", pt="Correção recomendada: {title}"),
    "fix_other": Text(en="Another option: {title}", pt="Outra opção: {title}"),
    "check_with": Text(en="Check with", pt="Verifique com"),
    "command": Text(en="Command", pt="Comando"),
    "manifest_in_card": Text(
        en="(its manifest is in the diagnosis card)",
        pt="(o manifesto está no cartão do diagnóstico)",
    ),
    "sources": Text(en="Sources", pt="Fontes"),
    "ask_feedback": Text(en="Did this solve your problem?", pt="Isso resolveu o seu problema?"),
    "yes": Text(en="Yes", pt="Sim"),
    "no": Text(en="No", pt="Não"),
    "feedback_thanks": Text(
        en="Great! Thanks, I've noted that it helped.",
        pt="Que bom! Obrigado, registrei que ajudou.",
    ),
    "feedback_sorry": Text(
        en="Sorry about that; I've noted that it didn't solve it. Check that every pod of the "
        "workload is reachable, the ELB listener and backend health, and the security groups; if "
        'it keeps failing, open a ticket with the diagnosis above. You can also say "start over" '
        "and go through the answers again.",
        pt="Sinto muito; registrei que não resolveu. Verifique se todos os pods da carga de "
        "trabalho estão acessíveis, o listener e a saúde dos backends do ELB e os grupos de "
        "segurança; se continuar, abra um chamado com o diagnóstico acima. Você também pode dizer "
        '"recomeçar" e revisar as respostas.',
    ),
    "feedback_no_case": Text(
        en="OK. Whenever you like, describe the problem and I'll diagnose it.",
        pt="Certo. Quando quiser, descreva o problema e eu faço o diagnóstico.",
    ),
    "explain_question": Text(
        en='I ask "{question}" because the answer changes the diagnosis: {outcomes}. '
        "Source: {source}.",
        pt='Pergunto "{question}" porque a resposta muda o diagnóstico: {outcomes}. '
        "Fonte: {source}.",
    ),
    "explain_cause": Text(
        en="Why: {cause}\n\nBased on: {facts}.\n\n{sources_heading}:\n{sources}",
        pt="Por quê: {cause}\n\nCom base em: {facts}.\n\n{sources_heading}:\n{sources}",
    ),
    "explain_nothing": Text(
        en="There is no diagnosis to explain yet. Describe the problem or paste the error, and "
        "I'll explain the cause with its source.",
        pt="Ainda não há diagnóstico para explicar. Descreva o problema ou cole o erro, e eu "
        "explico a causa com a fonte.",
    ),
    # The terminal walk (`lbdoctor ask`).
    "walk_hello": Text(
        en="LB Doctor: why the load balancer's address of your Service fails from inside the cluster.",
        pt="LB Doctor: por que o endereço do balanceador do seu Serviço falha de dentro do cluster.",
    ),
    "walk_error": Text(
        en="Paste the error the client gets (Enter to skip):",
        pt="Cole o erro que o cliente recebe (Enter para pular):",
    ),
    "walk_service": Text(
        en="Paste `kubectl get svc NAME -o yaml` and end with an empty line (Enter to skip):",
        pt="Cole `kubectl get svc NOME -o yaml` e termine com uma linha vazia (Enter para pular):",
    ),
    "walk_read": Text(en="Read from your paste", pt="Lido do que você colou"),
    "walk_choose": Text(
        en="Answer with a number from 1 to {n}, or in your own words.",
        pt="Responda com um número de 1 a {n}, ou com suas palavras.",
    ),
    "walk_help_keys": Text(
        en="(? how do I check · - skip, I don't know)", pt="(? como verifico · - pular, não sei)"
    ),
    "walk_confirm": Text(
        en="Did you mean one of these? Answer with its number (anything else: the question again).",
        pt="Você quis dizer uma destas? Responda com o número (qualquer outra coisa: a pergunta de novo).",
    ),
    "walk_eof": Text(
        en="Input ended before the diagnosis.", pt="A entrada terminou antes do diagnóstico."
    ),
    "walk_helpful": Text(en="Did this help? [y/n]", pt="Isso ajudou? [s/n]"),
    "walk_thanks": Text(en="Thank you, feedback saved.", pt="Obrigado, comentário registrado."),
    "answer_leads_to": Text(en="{answer} → {verdicts}", pt="{answer} → {verdicts}"),
    "or": Text(en=" or ", pt=" ou "),
    "fails": Text(en="fails", pt="falha"),
    "works": Text(en="works", pt="funciona"),
    "unsupported": Text(en="not supported", pt="não suportado"),
    "out-of-scope": Text(en="outside the FAQ", pt="fora do FAQ"),
    "depends": Text(en="depends", pt="depende"),
}


def say(key: str, lang: str, **values: Any) -> str:
    return _PHRASES[key].get(lang).format(**values)


def fact_value_label(playbook: Playbook, fact: str, value: str, lang: str) -> str:
    """An option's label ("Rede da VPC (vpc-router)"), or the value itself for free text."""
    known = playbook.fact(fact)
    for option in known.options:
        if option.value == value:
            return option.label.get(lang)
    return value


def understood_words(
    playbook: Playbook, facts: dict[str, str], address: str | None, lang: str
) -> str:
    """ "Understood: …" with each fact's label; an address that decided public or private is
    named, so the user sees why."""
    shown = []
    for name, value in facts.items():
        label = fact_value_label(playbook, name, value, lang)
        if name == "access_type" and address is not None and address_kind(address) == value:
            label = say("address_is", lang, label=label, address=address, kind=say(value, lang))
        shown.append(label)
    return say("understood", lang, facts="; ".join(shown))


def verdict_words(verdicts: Iterable[str], lang: str) -> str:
    return say("or", lang).join(say(verdict, lang) for verdict in sorted(verdicts))


def source_lines(sources: Iterable[dict[str, str]]) -> str:
    return "\n".join(f"- {s['title']} ({s['section']}): {s['url']}" for s in sources)


def _bullets(items: Iterable[str]) -> str:
    return "".join(f"\n- {item}" for item in items)


def diagnosis_messages(report: dict[str, Any], lang: str) -> list[str]:
    """The diagnosis as chat messages: verdict and explanation, fixes, sources."""
    messages = [f"{say('verdict_' + report['verdict'], lang)}\n\n{report['explanation']}"]
    for fix in report["fixes"]:
        caveats = _bullets(fix["caveats"])
        if fix["recommended"]:
            messages.append(
                f"{say('fix_recommended', lang, title=fix['title'])}{caveats}\n\n"
                f"```yaml\n{fix['manifest']}```\n{say('check_with', lang)}: `{fix['command']}`"
            )
        else:
            messages.append(
                f"{say('fix_other', lang, title=fix['title'])} {say('manifest_in_card', lang)}"
                f"{caveats}\n\n{say('command', lang)}: `{fix['command']}`"
            )
    if report["sources"]:
        messages.append(f"{say('sources', lang)}:\n{source_lines(report['sources'])}")
    return messages
