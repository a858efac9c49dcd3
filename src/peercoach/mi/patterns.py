"""The cue phrases behind each MI code, written from MI coding principles.

Each pattern runs on one lower-cased sentence with leading fillers removed (see
:func:`peercoach.mi.text.strip_fillers`). Principles paraphrased from Miller & Rollnick (2013) and
the MITI 4.2.1 behaviour definitions (Moyers et al. 2016): questions ask; reflections state back the
person's meaning; giving information and advice is input; specific praise of strengths or efforts
is an affirmation; asking before advising is seeking collaboration; labelling, warning and
moralising are confronting; a coach's own story is self-disclosure and earns no MI credit.
"""

from __future__ import annotations

import re


def _any(*alternatives: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{a})" for a in alternatives), re.ASCII)


AUX = (
    r"do|does|did|are|is|was|were|have|has|had|can|could|will|would|should|may|might|shall|am|"
    r"don't|doesn't|didn't|aren't|isn't|wasn't|weren't|haven't|hasn't|won't|wouldn't|can't|"
    r"couldn't|shouldn't"
)
SUBJECT = (
    r"you|i|we|they|he|she|it|that|this|there|your|my|the|a|an|any|anything|anyone|anybody|"
    r"someone|somebody|something|people|things|those|these|walking|pacing|sleep|pain"
)
WH = r"what|what's|how|how's|why|where|where's|when|who|who's|whom|whose|which"

WH_START = re.compile(rf"^(?:{WH})\b", re.ASCII)
WH_ASKING = re.compile(
    rf"^(?:what's|how's|where's|who's|(?:{WH})\s+(?:{AUX}|'s|else|about|kind|sort|"
    r"part|would|makes|made|keeps|kept|happens|happened|helps|helped|gets|got|worries|brings|"
    r"stands|comes|goes|sort|type|many|much|long|often|else|other|exactly|specifically)\b)",
    re.ASCII,
)
AUX_START = re.compile(rf"^(?:{AUX})\s+(?:not\s+)?(?:{SUBJECT})\b", re.ASCII)
INVITATION = _any(
    r"^(?:please\s+)?(?:tell me|talk to me|walk me|describe|explain to me|say more|say a bit|"
    r"say a little|share (?:more|a bit|a little|what|how)|help me (?:understand|see|get))\b",
    r"^(?:i'm|i am|i was) (?:just )?(?:curious|wondering),? (?:about|what|how|why|where)\b",
    r"^i (?:wonder|'d like to know|would like to know|want to hear|'d like to hear) "
    r"(?:what|how|why|about|more)\b",
    r"^(?:i'd|i would) (?:like|love) to (?:hear|know|understand) (?:more|what|how|why|about)\b",
)
# A request to tell, in the shape of a yes/no question ("Can you tell me about...?", "Would you
# mind filling me in?"): it is answered with the story, not with "yes", so it is an open question.
ELABORATION = re.compile(
    r"^(?:can|could|would|will|do) you (?:want to |like to |mind )?(?:please )?"
    r"(?:tell|say (?:more|a bit|a little|what|how)|describe|talk (?:to me |more |a bit |a little )?"
    r"about|share (?:more|a bit|a little|what|how|about)|walk me|explain|help me understand|"
    r"give me an example|think of|remember (?:a time|what|how)|fill(?:ing)? me in|elaborate|"
    r"expand on)",
    re.ASCII,
)
# Asking for more of what they have been naming ("Anything else?", "Is there anyone else who
# could help?", "Are there any other things in the way?") leaves the answer to them, as "What
# else?" does: an open question, though yes/no in shape.
INVITES_MORE = re.compile(
    r"\b(?:anything|anyone|anybody|something|someone|somebody) else\b|\bany other\b",
    re.ASCII,
)
CLOSED_WH = _any(
    r"^how (?:many|much|long|often|old|far|soon|big|bad|severe|high|low|frequently)\b",
    r"^what (?:time|day|days|dose|number|year|month|date|kind of (?:med|pill|drug)|medications?|"
    r"meds|pills|level)\b",
    r"^(?:what's|what is) (?:your|the) (?:pain )?(?:level|number|score|dose|date|time)\b",
    r"^(?:where|who|who's|whom|whose|which|where's)\b",
    r"^when (?:did|was|were|will|do|does|'s|is (?:it|your|the|that)|are you|can|could|would)\b",
    r"^what(?:'s| is) (?:it|that|he|she|his|her|their|the \w+) (?:called|named)\b",
    r"^what (?:kind|type|sort|breed|brand|size|colou?r) of \w+\W*$",
    r"\bon a scale\b",
    r"\bfrom (?:zero|0|one|1) to (?:ten|10)\b",
)
EITHER_OR = re.compile(
    r"\bor (?:not|no|is it|are you|do you|would you|was it)\b|\bor\b.*\?$", re.ASCII
)
TAG_QUESTION = re.compile(
    r",?\s*(?:right|is that right|is that it|correct|yeah|yes|no|huh|is that so|am i right|"
    r"did i get that right|have i got that right|isn't it|aren't you|don't you|didn't you|"
    r"haven't you|wasn't it|is that fair|does that sound right|does that fit)\s*\?$",
    re.ASCII,
)
WHY_BLAME = re.compile(
    r"^why (?:didn't|haven't|don't|won't|can't|aren't|wouldn't|did you|do you)", re.ASCII
)

PERMISSION = _any(
    r"\b(?:would|will|is|would it be|is it) (?:it )?(?:be )?(?:ok|okay|alright|all right|fine) "
    r"(?:with you )?(?:if i|to|for me)\b",
    r"^(?:can|could|may|might) i (?:share|tell|offer|suggest|give|mention|ask|make|add|bring|"
    r"pass|run)\b",
    r"^(?:(?:would|do) you )?mind if i\b(?! ask\b)",
    r"^(?:can|could|may|might) i (?:be (?:straight|honest|frank|blunt|direct|upfront|real) "
    r"with you|throw|put|float|run|pass along|share|point out|give you|tell you)\b",
    r"^(?:(?:is it |would it be )?(?:ok(?:ay)?|alright|all right|cool|fine) )?if i (?:share|"
    r"tell|offer|suggest|mention|add|give|throw|pass|run|float|put)\b",
    r"\bhow would you feel (?:about|if) (?:me|i)\b|\bwould you (?:want|like|care) to hear\b",
    r"^(?:do you )?want to hear (?:what|how|an idea|a thought|something|a suggestion|about)\b",
    r"^(?:do you )?want me to (?:tell|share|go over|explain|say|give|run|walk)\b|"
    r"\b(?:want|like|care) to hear (?:it|them|one|more|some)\W*$",
    r"^(?:would|will|is|would it) (?:it )?(?:be )?(?:help|helpful|useful) (?:if i|for me to|to "
    r"hear)\b|^(?:are|would) you (?:be )?(?:open|interested|up) (?:to|for|in) (?:a |an |some |"
    r"hearing|me)\b|^(?:any|some) interest in (?:hearing|me|a|some)\b",
    r"\bi (?:could|can|might) (?:share|tell you|offer|pass along|go over)\b.*\bif you(?:'d| "
    r"would)? (?:like|want)\b",
    r"^(?:would|do) you (?:like|want) (?:me to|to hear|some|a few|any|an idea|a suggestion|"
    r"information|info|to know)\b",
    r"^(?:would|are) you (?:be )?(?:interested|open|willing) (?:in|to) (?:hearing|hear|some|me)\b",
    r"\bwould you like to hear\b",
    r"\b(?:is it|would it be) (?:ok|okay|alright|all right) (?:if|to)\b",
    r"\bwith your permission\b",
    r"\bif you(?:'d| would)? (?:like|want),? i (?:could|can|might)\b",
)
ASKED_FOR_ADVICE = _any(
    r"\bwhat (?:should|do|can|could) i (?:do|try)\b",
    r"\bshould i\b",
    r"\bany (?:ideas|suggestions|tips|advice)\b",
    r"\bwhat would you (?:do|suggest|recommend|try)\b",
    r"\bwhat do you (?:suggest|recommend|think i should)\b",
    r"\b(?:can|could) you (?:give|tell|suggest|help|recommend)\b",
    r"\bdo you (?:have|know) (?:any|some|of)\b",
    r"\bwhat (?:works|worked|helps|helped) for you\b",
    r"\btell me what to do\b",
    r"\b(?:yes|yeah|sure|okay|ok|go ahead|please)\b.*\b(?:share|tell|go ahead|please|sure)\b",
    r"^(?:yes|yeah|sure|okay|ok|go ahead|please)\b",
)

# Plain statements that the choice is theirs. "It's your" names a choice only with the word for
# it or for what they chose ("it's your call", "your life", "your plan", "it's yours"): "it's your
# toolbox" names what is theirs.
AUTONOMY = _any(
    r"\b(?:it's|it is|that's|that is) (?:really |totally |entirely |completely )?"
    r"(?:(?:your|your own) (?:call|choice|decision|life|business|idea|plan|goal)\b|"
    r"up to you\b|yours\b|your own\b)",
    r"\bup to you\b",
    r"\byour (?:call|choice|decision)\b",
    r"\byou(?:'re| are) the (?:one|expert|best judge|judge|boss|person) (?:who|on|here|of|to)?",
    r"\byou know (?:your (?:own )?\w+|what works) (?:best|better)\b",
    r"\byou(?:'re| are) in (?:charge|control|the driver's seat)\b",
    r"(?<!made )(?<!make )(?<!makes )(?<!did )(?<!helped )(?<!why )(?<!how )(?<!when )"
    r"\byou (?:get to |can |will |alone )?(?:decide|choose)\b",
    r"\byou know (?:yourself|your (?:body|life|situation)|best|what (?:works|fits|is right))\b",
    r"\bwhatever you (?:decide|choose|think|want)\b",
    r"\bonly you (?:can|know)\b",
    r"\byou don't have to\b",
    r"\bno pressure\b",
    r"\bif (?:that|it|any of (?:that|this|these)) (?:fits|suits|works for|makes sense)\b",
    r"\b(?:see|take) what (?:fits|works|suits|makes sense)\b",
    r"\btake (?:it|what you like) or leave it\b",
    r"\bmay or may not\b|\bmight or might not\b",
    r"\byou(?:'re| are) (?:free|welcome) to\b",
    r"\bwhat(?:ever)? (?:works|feels right) for you\b",
)

IMPERATIVE = (
    r"(?:try|take (?!your time|care)|go (?:to|for|see|ahead and)|call|start|stop|keep|use|"
    r"make sure|remember to|write|put|set|ask|pace|don't (?!worry)|be sure|get (?!it\b)|walk|"
    r"stretch|book|drink|cut|avoid|aim|give it|break|plan|sign up|talk to your|eat|limit|skip|"
    r"switch|swap|lie down|sit down|rest|check with|look into|think about|make (?:a|it|time)|"
    r"write down|keep (?:a|it|track))"
)

IMPERATIVE_CLAUSE = re.compile(
    rf"[,;:] (?:so |and |then |just |please )*(?:just )?{IMPERATIVE}\b(?! you\b)", re.ASCII
)
ADVICE = _any(
    r"\byou (?:really |probably |definitely |just |still )?(?:should|need to|have to|must|"
    r"ought to|had better|'d better|gotta|got to)\b",
    r"\byou(?:'ll| will) (?:need|have) to\b",
    r"\byou (?:could|might|may) (?:want to|wish to|need to|consider|try|think about|start|"
    r"use|ask|call|look|keep|set|take|break|write|put|talk)\b",
    r"^(?:you can|you could) (?:always |also |just )?(?:try|call|ask|use|sign|start|set|take|go|"
    r"get|do)\b",
    r"\bi(?:'d| would)?(?: really| strongly| definitely)? (?:suggest|recommend|encourage|advise|"
    r"urge)\b",
    r"\byou(?:'ve| have)? got to\b",
    r"\b(?:what|one thing|something|the thing) you (?:could|can|might|should) (?:do|try) is\b",
    r"\b(?:would be|might be|could be) (?:the )?(?:right|best|a good|a great|a smart) "
    r"(?:person|place|idea|way|thing|bet)\b",
    r"\b(?:is|'s) (?:the )?(?:right|best) (?:person|place|way|thing to do)\b",
    r"\bis a (?:good|great|smart) idea\b",
    r"\bhere's what you (?:do|should|need|want)\b",
    r"\b(?:it's|it is|it'd be|it would be|would be|is) (?:really |definitely |well )?worth "
    r"(?:a try|trying|talking|asking|checking|mentioning|a shot|looking)\b",
    r"\byou(?:'ll| will) (?:lose|regret|undo|feel better|thank)\b",
    r"\bi (?:want|need) you to\b",
    r"\bi think you (?:should|need|ought|could|might want)\b",
    r"\bmy (?:advice|suggestion|recommendation)\b",
    r"\bthe (?:best|right|smart) (?:thing|way|move|plan)\b.*\b(?:is|would be|to)\b",
    r"\b(?:it's|it is|it'd be|it would be) (?:important|best|better|wise|smart|a good idea) "
    r"(?:to|that you|for you)\b",
    r"^(?:why don't you|(?:how|what) about (?:you|a|an|some|trying|using|taking|doing|calling|"
    r"getting|if you|if we|we))\b",
    rf"^(?:just )?{IMPERATIVE}\b(?! you\b)",
    r"^let's (?:try|do|aim|set|plan|make|add|cut|schedule|get you|put|pick|write)\b",
    r"(?<!to )\bmake sure (?:you|to)\b",
)
STRUCTURING = _any(
    r"^let's (?:start|begin|move|turn|go|come|get started|look|talk|spend|take|focus|review|"
    r"check|recap|summar|wrap|pick up|go over|switch|pause|park|save|return|see)\b",
    r"^let me (?:tell you (?:how|what|about (?:today|the call|the program))|explain (?:how|what) "
    r"(?:today|this|the call|we)|summar|sum|recap|check|see if|make sure|just|pull up|read|"
    r"note|grab|write)",
    r"^(?:(?:for |so for )?this week|for next week|anyway)\b",
    r"^(?:today|this call|in this call|on this call|this week|next week|next time|before we|"
    r"for the next|for today|we have about|we've got about)\b",
    r"^(?:i'd|i would|i want to|i wanted to) (?:like to )?(?:spend|take|start|begin|check in|"
    r"go over|talk about|touch base|follow up|remind|mention that|let you know)\b",
    r"^(?:we|we'll|we will|we can|we could) (?:talk|spend|go over|look|come back|pick|start|"
    r"finish|wrap|cover|get to|check|review|set up|schedule|meet|speak)\b",
    r"^(?:i'll|i will) (?:call|ring|talk to|check|send|mail|email|see|follow|put|write|make)\b",
    r"\b(?:moving|switching|turning) (?:on|gears|to)\b",
    r"^(?:let's|we can|we'll|we could) (?:stop|pause|leave it|pick (?:it |this )?up|go as|"
    r"take it)\b",
    r"\blet me know (?:when|if)\b|^i(?:'ll| will| can) (?:hold|wait)\b",
    r"^(?:the|this|our) (?:plan|agenda|goal) (?:for|today)\b",
)
GREETING = _any(
    r"^(?:hi|hello|hey|good (?:morning|afternoon|evening|night)|howdy|greetings)\b",
    r"^(?:bye|goodbye|take care|have a (?:good|great|nice)|talk (?:to you )?(?:soon|next|then|"
    r"later)|see you|until next|enjoy (?:your|the))\b",
    r"^(?:thanks|thank you|thank|i appreciate (?:you|your|it))\b",
    r"^(?:this is|it's|my name is|i'm) [a-z]+ (?:from|with|calling|here)\b",
    r"^(?:nice|good|great|lovely) to (?:talk|hear|speak|meet|catch up)\b",
    r"^(?:i'm )?(?:so |really )?glad (?:you|to hear|that|we|it)\b",
    r"^(?:i'm |i am )?sorry\b(?!.*\byou(?:'re| are| feel| have| had)\b)",
    r"^(?:you're|you are) welcome\b|^no problem\b|^my pleasure\b",
    r"^(?:come (?:on )?in|have a seat|take a seat|make yourself (?:at home|comfortable))\b",
)
BACKCHANNEL = re.compile(
    r"^(?:ok(?:ay)?|alright|all right|right|yeah|yes|yep|sure|mm+-?hmm+|uh-huh|hmm+|mm+|oh|i see|"
    r"got it|gotcha|i understand|that makes sense|makes sense|fair enough|absolutely|exactly|"
    r"of course|no|nope|true|indeed|wow|great|good|cool|fine|perfect|sounds good|understood|"
    r"i hear you|ah|aha|huh|well|so|sounds good|sounds great|sounds like a plan|no worries|"
    r"no problem|no rush|take your time|oh no|oh good|oh man|i'm glad|glad to hear(?: it)?|"
    r"good to hear(?: it)?|that's (?:okay|ok|alright|all right|fine))"
    r"(?:[\s,.!]+(?:ok(?:ay)?|alright|right|yeah|yes|sure|mm+-?hmm+|"
    r"uh-huh|i see|got it|that makes sense|makes sense|good|great|sounds good|i hear you|"
    r"understood|then|so|well|see you then|take your time|no rush|no worries))*[\s.!,]*$|"
    r"^(?:oh )?(?:yeah|really|right|all right|alright|okay|ok|mm+-?hmm+|uh-huh|yes|no|"
    r"is that right|is that so)"
    r"[\s.!,?]*$",
    re.ASCII,
)

AFFIRM_SPECIFIC = _any(
    r"(?:^|, )(?:you've|you have|you) (?:really |clearly |obviously |already |certainly |"
    r"definitely )?"
    r"(?:done|worked|made|shown|put in|stuck|kept(?! (?:it|this|that|things) (?:to yourself|"
    r"quiet|secret|inside|bottled))|handled|managed|pushed|followed|got through|"
    r"taken|took|stepped|reached|showed|come a long way|been (?:so |really |very )?(?:consistent|"
    r"persistent|committed|dedicated|determined|brave|honest|working|open|patient|creative|"
    r"thoughtful))\b",
    r"\b(?:took|takes|take) (?:real |a lot of |some |guts and )?(?:courage|guts|strength|effort|"
    r"commitment|grit|honesty|determination|discipline|stubbornness|persistence|patience|heart|"
    r"character)\b",
    r"\b(?:that|it) (?:took|takes) (?:real |a lot of |some )?(?:work|a lot)\b",
    r"\byou(?:'re| are) (?:clearly |really |obviously )?(?:someone|a person|the kind of person|"
    r"a man|a woman) who\b",
    r"\byou(?:'re| are) (?:clearly |really |very |obviously |so )?(?:determined|resourceful|"
    r"resilient|strong|persistent|committed|dedicated|creative|brave|courageous|thoughtful|"
    r"hard-working|hardworking|good at|a fighter|a survivor|organi[sz]ed|disciplined|honest)\b",
    r"\b(?:good|great|nice|well done|impressive|excellent) (?:job|work|thinking|idea|effort|"
    r"plan)\b.*\byou\b|\byou\b.*\b(?:good|great|nice|impressive) (?:job|work|thinking|idea)\b",
    r"\b(?:i|i'm|i am) (?:really )?(?:impressed|struck) (?:by|with|that|how)\b",
    r"\bthat's (?:a |an )?(?:really |very )?(?:great|good|real|huge|big|important|impressive|"
    r"smart|wise|clever|brave) (?:step|strength|achievement|accomplishment|insight|effort|change|"
    r"start|way|idea|move|plan|thing to do|decision|choice)\b",
    r"(?<!worth )(?<!all )\b(?:your|the|that|this|such) (?:effort|commitment|persistence|"
    r"determination|courage|honesty|hard work)\b(?! (?:it takes|of it|involved))",
    r"\b(?:says|shows|tells me|tells us) (?:a lot|something|so much) about (?:you|who you are)\b",
    r"\byou (?:set|picked) (?:that|a|the|your) (?:goal|target|plan)\b.*\byou (?:hit|met|did|"
    r"reached|made) it\b",
    r"\bgood for you\b.*\byou\b",
)
PRAISE_GENERIC = re.compile(
    r"^(?:great|good|nice|excellent|awesome|fantastic|wonderful|brilliant|amazing|super|"
    r"perfect|well done|good job|great job|nice job|nice work|good work|great work|way to go|"
    r"good for you|congratulations|congrats|i'm (?:so |really )?proud of you|that's "
    r"(?:great|good|awesome|fantastic|wonderful|amazing|excellent|brilliant|terrific)|"
    r"that is (?:great|good|wonderful)|love it|love that|i love (?:that|it|hearing)|"
    r"(?:that |it |this )?sounds (?:like )?(?:a |an )?(?:really |very |so |pretty )?(?:great|good|"
    r"nice|excellent|awesome|fantastic|wonderful|brilliant|amazing|terrific)\b(?! to you)|"
    r"(?:it's|it is) (?:so |really )?(?:great|good|wonderful|awesome|fantastic|excellent|"
    r"terrific)(?= (?:that |to hear |to see )?(?:you|you're|you've)\b))\b",
    re.ASCII,
)

# Praise that names what they did ("That's great that you called", "It's good to hear you
# walked"): an affirmation, not general praise.
PRAISE_NAMES = re.compile(
    r"^[^,]*\b(?:great|good|wonderful|awesome|fantastic|excellent|terrific) (?:that |to hear |"
    r"to see )?(?:you|you're|you've) [a-z]",
    re.ASCII,
)
CONFRONT = _any(
    r"\byou(?:'re| are) (?:just |only |clearly |obviously |really |simply )?(?:in denial|"
    r"making excuses|being (?:lazy|stubborn|difficult|dramatic|negative|unreasonable|"
    r"ridiculous|silly|childish|resistant|defensive)|lazy|non-?compliant|not (?:trying|listening|"
    r"serious|committed|taking (?:this|it|me))|resistant|an addict|addicted|hurting yourself|"
    r"sabotaging|kidding yourself|fooling yourself|exaggerating|overreacting|wasting)\b",
    r"\b(?:that's|that is|this is|it's) (?:just |really |so |pretty )?(?:an excuse|excuses|"
    r"not true|ridiculous|"
    r"irresponsible|selfish|lazy|careless|foolish|stupid|crazy|nonsense|wrong|silly|"
    r"not (?:going to|gonna) work|a bad idea|on you|your (?:own )?(?:fault|problem))\b",
    r"\byou (?:never|always) (?:follow|do what|listen|stick|finish|try|bother|complain|make|"
    r"find|have an excuse|say that)\b",
    r"\bno wonder (?:you|your)\b",
    r"\byou(?:'re| are) (?:never|not) (?:going to|gonna) (?:get|be|make|change)\b",
    r"\bwith (?:that|an) attitude\b",
    r"\b(?:what were you thinking|how many times|(?<!if )i told you|i've told you|face "
    r"(?:it|the fact|facts|reality)|admit (?:it|that)|be honest with yourself|get over it|"
    r"man up|toughen up|"
    r"suck it up|quit (?:complaining|whining|making)|stop (?:complaining|whining|making excuses|"
    r"feeling sorry|being))\b",
    r"\byou (?:should|ought to) (?:be (?:ashamed|grateful|thankful)|know better)\b",
    r"\bif you (?:keep|don't|won't|continue|carry on|refuse)\b.*\b(?:you'll|you will|you're going "
    r"to|you are going to|you'll end up|it'll|it will)\b",
    r"\byou(?:'re| are) (?:going to|gonna) (?:end up|regret|make (?:it|things) worse|hurt)\b",
    r"\bthe (?:real )?problem is (?:that )?you\b",
    r"\b(?:real|a real|true) (?:men|man|veterans?|soldiers?|marines?)\b",
    r"\byou can't (?:keep|just|expect)\b",
    r"\bthere's no excuse\b|\bno excuses\b",
    r"\byou (?:did |already )?(?:agreed|promised|committed|said you would|said you'd)\b",
    r"\b(?:isn't|is not|wasn't|not) (?:really |nearly |quite )?(?:enough|good enough|trying)\b",
    r"\b(?:doesn't|does not|isn't|is not) (?:seem to be )?working\b.*\b(?:if|because|since)\b",
    r"^with (?:all due )?respect\b",
    r"\bwhy (?:didn't|haven't|don't|won't|can't|aren't) you (?:just )?(?:do|done|follow|stick|"
    r"listen|finish|bother|try|tried|take|call|called|walk|walked|stop|quit|get|been|start|"
    r"started|use|used)\b",
)

SELF_DISCLOSURE = _any(
    r"^(?:when|after|before|while|back when) i (?:had|was|got|came|hurt|broke|did|went|left|"
    r"injured|served|deployed|first|started)\b",
    r"\bi (?:had|have had|went through|lived with|dealt with|struggled with|used to|was in|"
    r"served|deployed|injured|hurt|broke|remember when i|still have)\b",
    r"\bi've (?:had|been through|lived with|dealt with|struggled|got|been there|been in)\b",
    r"\bmy (?:own|back|knee|knees|shoulder|neck|hip|surgery|pain|experience|unit|deployment|"
    r"tour|doctor|wife|husband|son|daughter|time in|years in)\b",
    r"\bi know (?:what|how) (?:it's|it is|that's|that is|that feels|it feels)\b",
    r"\b(?:me too|same here|same with me|i'm a veteran|i am a veteran|speaking for myself|"
    r"in my experience|for me,|for me personally|what helped me|what worked for me|"
    r"what works for me|i've been there)\b",
)

INFORMATION = _any(
    r"\b(?:many|most|some|a lot of|lots of|other) (?:people|veterans|folks|participants|"
    r"patients|of the veterans|of the people|guys)\b",
    r"\b(?:research|studies|evidence|science|the data|the program|the class|the group|the clinic|"
    r"the va|the pharmacy|the crisis line|the workbook|the handout|the booklet|the website|the app)"
    r"\b.*\b(?:shows?|suggests?|says?|finds?|found|is|are|has|have|offers?|meets?|runs?|opens?|"
    r"closes?)\b",
    r"\b(?:pacing|stretching|walking|exercise|movement|heat|ice|sleep|relaxation|breathing|"
    r"activity|rest|a flare plan|an action plan|a routine|gentle movement) (?:can|may|might|"
    r"often|usually|tends? to|helps?|is (?:known|one|a|an|often|usually)|means|works?)\b",
    r"\b(?:it's|it is) (?:common|normal|usual|typical|known|possible|natural|okay|ok) (?:for|to|"
    r"that)\b",
    r"\bthere (?:is|are|'s) (?:a|an|some|several|two|three|lots of|plenty of) "
    r"(?:class|classes|group|"
    r"groups|program|programs|line|number|app|apps|option|options|ways|things|resources|"
    r"workshop|evidence|research)\b",
    r"\b(?:one|another|a few|some|other) (?:option|options|idea|ideas|thing people|way|ways|"
    r"choices|possibilit(?:y|ies)) (?:is|are|would be|might be|could be|include|people)\b",
    r"\b(?:the number|the phone number|the line|the hours|the address) (?:is|for)\b",
    r"\b(?:is|are) (?:open|available|free|covered) (?:on|from|at|to|until|every|for)\b",
    r"\bchronic pain (?:is|can|often|means|works)\b|\bthe brain\b|\bnervous system\b|"
    r"\bhurt doesn't (?:always )?mean harm\b",
    r"\bthe (?:idea|point|goal|aim|way it works) (?:is|of)\b",
    r"\b(?:you can|you could) (?:reach|find|get|call|sign up|pick up|ask for)\b",
    r"\b(?:helps|can help|may help|might help|tends to help|will help|could help|often helps|"
    r"usually helps)\b",
    r"^(?:[a-z]+ing|a|an|the|some|most|many|regular|gentle|deep|daily|short|good|poor) "
    r"(?:[a-z'-]+ ){0,7}(?:can|may|might|tends? to|will|often|usually) (?!you\b)[a-z]+",
    r"^(?!(?:you|your|i|i'm|we|it|it's|that|that's|this|he|she|they)\b)(?!.*\byou)(?:[a-z'-]+ )"
    r"{1,7}(?:can|may|might|tends? to|often|usually) (?!you\b)[a-z]+",
    r"^there(?:'s| is| are) (?!a lot\b|a part\b|a sense\b|something you|no way\b)(?!.*\byour?\b)"
    r"(?:a|an|some|several|free|two|three|the|other|lots|plenty)\b",
    r"\bjust so you know\b|\bfor your information\b|\bfyi\b",
    r"^(?:people|folks|veterans|guys|those) (?:who|with|that)\b",
    r"\b(?:it's|it is) (?:very |really |pretty |quite |so |perfectly |completely )?"
    r"(?:common|normal|"
    r"usual|typical|natural|safe) (?:for|to|that|after|when)\b",
    r"^(?:the|our|your) (?:next |first |last )?(?:[a-z]+ ){0,2}(?:class|call|group|session|"
    r"meeting|program|clinic|pool|center|centre|line|pharmacy|app|workbook|appointment)s? "
    r"(?:is|are|has|have|meets?|runs?|opens?|starts?|offers?|costs?) (?!been\b)",
)

REFLECT_START = _any(
    r"^(?:it|that) (?:sounds|seems|feels|looks) (?:like|as if|as though|that|to me)\b",
    r"^(?:sounds|seems|feels|looks) (?:like|as if|as though|that)\b",
    r"^(?:it|that) (?:sounds|seems|must be|must have been|must feel|can be|has been|'s been|"
    r"was|is|'s) (?:really |so |pretty |very |quite |a |an )?(?:hard|tough|difficult|"
    r"frustrating|exhausting|scary|frightening|lonely|overwhelming|discouraging|painful|"
    r"confusing|upsetting|draining|a lot|rough|heavy|a relief|a big|a real|a struggle|"
    r"tiring|disappointing|hopeful|encouraging|important)",
    r"^(?:that's|that is|it's|it is) (?:been )?(?:really |so |pretty |very |quite )?(?:hard|tough|"
    r"difficult|frustrating|exhausting|scary|lonely|overwhelming|discouraging|rough|a lot)\b",
    r"^(?:you|you're|you've|you'd|you'll|your|yourself)\b",
    r"^for you\b",
    r"^(?:what i'm hearing|what i hear|i'm hearing|i hear (?:that|you (?:say|saying)|how)|"
    r"if i (?:understand|hear|'ve got)|in other words|let me see if i|it's like|i get the sense|"
    r"i'm getting the sense|i get the feeling|i can (?:hear|see|tell) (?:that|how|why|you)|"
    r"i sense|my sense is|i imagine|i'm guessing|i guess you|i wonder if you|i wonder whether you)",
    r"^(?:on the one hand|on one hand|part of you|some of you|a part of you|one part)\b",
    r"^(?:both|neither|either)\b.*\b(?:you|your)\b",
    r"^(?:the|your|that) (?:pain|back|knee|hip|shoulder|neck|leg|walk|walking|plan|sleep|flare|"
    r"wife|husband|doctor|family|kids|daughter|son|job|work|meds|medication|weekend|week|"
    r"appointment|class|hardest part|main thing|biggest|worst|best|real)\b",
    r"^i hear\b",
    r"^(?:not|no|never|nothing|none|nobody|no one|everything|everyone|every|all|only|just|still|"
    r"even|mostly|mainly|especially|always|too|"
    r"really|more|less|some days|on bad days|on good days|most days|lately|these days|since)\b",
    r"^(?:a lot|lots|plenty|quite a|such a)\b",
    r"^(?:she|he|they|things|life|everything|it all)\b",
)
# Words that place what was said inside them: "is on your mind", "weighing on you".
ABOUT_THEM = re.compile(
    r"\b(?:on your mind|weighing on you|in your (?:head|heart|gut))\b", re.ASCII
)
YOU_ANYWHERE = re.compile(r"\b(?:you|you're|you've|you'd|your)\b", re.ASCII)
SUMMARY = re.compile(
    r"^(?:let me (?:sum|summar|pull|recap|see if i)|to (?:sum|summar)|so far|so,? to recap|"
    r"putting (?:it|that|this) together|what i've heard|here's what i've heard|let me make sure|"
    r"let me (?:check|see|make sure) (?:if |whether |that )?i(?:'ve| have)? (?:got|understood|"
    r"heard|have)|(?:if|let me see if) i(?:'ve| have) got (?:this|that|it|you) right|"
    r"(?:here's|this is) what i(?:'m| am) hearing|let me (?:play|read|say) (?:that|it|this) back)",
    re.ASCII,
)

DOUBLE_SIDED = _any(
    r"\bon (?:the )?one hand\b",
    r"\bon the other(?: hand)?\b",
    r"\bpart of you\b",
    r"\banother part\b|\bother part\b",
    r"\b(?:and|but) (?:at the same time|yet|also|still)\b",
    r"\b(?:and|but) (?:you(?:'re| are)?|you've|part of you|at times) (?:also|still)\b",
    r"\bat the same time\b",
    r"\beven though\b|\balthough\b|\bthough\b|\bwhile\b|\beven if\b",
    r"\bmixed feelings\b|\btorn\b|\bboth\b",
    r"\bpull(?:ed|ing)? (?:in two|two ways|both ways|between)\b",
)
AMPLIFIED = re.compile(
    r"\b(?:never|always|nothing|no one|nobody|everything|everyone|completely|totally|absolutely|"
    r"at all|ever|no way|entirely|whatsoever|the only|every single|forever|impossible|pointless|"
    r"hopeless|no point|no reason|(?:give|do) anything|your whole (?:adult |entire )?life)\b",
    re.ASCII,
)
# Totals the participant said themselves ("for the rest of my life", "I don't have anyone"): an
# overstatement in the reflection then only says back what they said.
AMPLIFIED_SAID = re.compile(
    r"\b(?:never|always|nothing|no one|nobody|any|anyone|anybody|anything|everything|everyone|all|"
    r"completely|totally|forever|whole|anymore|any more|rest of (?:my|our) li(?:fe|ves))\b",
    re.ASCII,
)
# Two sides in one reflection, by structure: a clause about what they know, want or value, and a
# clause that says the other side with a negation ("You know it'd help, and gyms aren't you").
SIDE_VIEW = re.compile(
    r"\b(?:know|knew|want|wanted|wish|would like|'d like|should|ought|need|good for you|matters?|"
    r"care|value|like the idea|makes sense)\b",
    re.ASCII,
)
NEGATED = re.compile(
    r"\b(?:not|no|never|can't|cannot|won't|don't|doesn't|didn't|isn't|aren't|"
    r"wasn't|weren't|haven't|hasn't|wouldn't|couldn't|just aren't|nothing)\b",
    re.ASCII,
)
SIDES = re.compile(r",\s+(?:and|but|yet)\s+|\s+(?:but|yet)\s+", re.ASCII)
# "I don't want them to see me like this" answered by what they do want: a reframe.
NEGATED_DESIRE = re.compile(
    r"\b(?:don't|do not|didn't|won't|wouldn't|never) (?:really |even )?"
    r"(?:want|wanna|like|need|wish)\b",
    re.ASCII,
)
METAPHOR = re.compile(
    r"\b(?:like a|like an|like you're|like you are|as if|as though|it's like|feels like|"
    r"like being|like carrying|like you've|like your|like the)\b",
    re.ASCII,
)
MEANING = _any(
    r"\b(?:matters?|important|means? (?:a lot|so much|everything)|care about|value|values|"
    r"proud|dignity|identity|purpose|who you are|the kind of|someone who|kind of person)\b",
    r"\b(?:because|so that(?!')|which is why|that's why|the reason|underneath|deep down|"
    r"really want|what you want|more than anything|the real|what you're (?:really )?"
    r"(?:afraid|worried|hoping|looking)|bottom line|at heart|above all|hoping|hope|wish|longing|"
    r"miss(?:ing)?)\b",
    r"\byou (?:sound|seem)\b|\byou(?:'re| are) used to\b|\byou(?:'ve| have) always\b|"
    r"\byou(?:'d| would) rather\b|\bno wonder\b|\bcarrying\b",
    r"\bi(?:'m| am) guessing\b|\bi (?:imagine|suspect|bet|sense)\b|\bmore than you(?:'re| are)? "
    r"(?:let|letting|say|saying|show)\b|\bas much (?:for|about)\b",
    r"\b(?:sounds|must be|must have been|must feel|seems|feels) (?:like )?(?:it was |it's been )?"
    r"(?:really |so |pretty |very )?(?:hard|tough|difficult|rough|a struggle)\b",
    r"\b(?:is|'s|was) (?:how|what) you (?:get|got|cope|deal|manage|handle|unwind|relax|get by|"
    r"keep|take care)\b|\bfills? (?:the|a|that) (?:empty|gap|hole|time|space)\b|\b(?:a|the) "
    r"(?:strain|toll) on\b|\bsomething (?:shifted|changed|clicked|happened|gave)\b|\b(?:it's|"
    r"it is|that's|everything's) (?:all )?on (?:you|your shoulders)\b|\bbrave face\b",
    r", not (?:the|just|so much|really|because|about)\b|\bsomething about (?:that|the|this|it|"
    r"him|her|them)\b|\b(?:hard to|can't|cannot) picture\b",
    r"\b(?:wondering|ready|willing|tempted|thinking about|considering|"
    r"hard to imagine|can't imagine|no longer|used to be|anymore)\b",
    r"\b(?:the hardest|the worst|the biggest|the toughest|the scariest)\b",
    r"\bwho you (?:are|were|want to be|used to be)\b|\b(?:isn't|is not|wasn't|not) (?:really )?"
    r"(?:you|like you)\b|\bpart of (?:who|what) you\b|\b(?:your|a) (?:reward|escape|comfort|"
    r"lifeline|crutch|safety net|outlet|friend)\b",
    r"\b(?:took|taken|takes|taking) (?:\w+ ){0,2}away\b",
    r"\bwhat (?:this|it|that)(?:'s| is) (?:all |really )?about\b|\b(?:has been|is|was|'s been|"
    r"'s) (?:a|your|the) (?:way|means) (?:to|of)\b|\bspill\w* (?:over|into)\b",
)
FEELING = re.compile(
    r"\b(?:frustrat\w*|scar\w*|afraid|fear\w*|worr\w*|anxious|nervous|alone|lonely|isolat\w*|"
    r"angry|anger|mad|furious|irritat\w*|annoy\w*|sad|sadness|down|low|depress\w*|"
    r"hopeless|helpless|powerless|stuck|trapped|tired of|fed up|sick of|exhaust\w*|drained|"
    r"worn out|worn down|overwhelm\w*|discourag\w*|disappoint\w*|guilt\w*|asham\w*|embarrass\w*|"
    r"burden|useless|weak|defeated|beaten|let down|relie\w*|hopeful|proud|excit\w*|"
    r"encourag\w*|confident|determined|motivated|grateful|torn|confus\w*|uncertain|"
    r"hurt|grief|griev\w*|lost|loss|pressur\w*|stress\w*|tense|on edge|restless|resent\w*|"
    r"betray\w*|dismiss\w*|ignored|unheard|judged|hesitant|reluctant|ambivalent|"
    r"demoraliz\w*|demoralis\w*|vulnerable|ready|willing|determined|desperate|upset\w*|"
    r"frighten\w*|uncomfortabl\w*|awkward|humiliat\w*|heartbr\w*|shame\w*|jealous|regret\w*|"
    r"insecure|self-conscious|unfair|caught off guard|blindsided|shocked|scared|surpris\w*)\b",
    re.ASCII,
)

# "It can help", "it may take a while": information when said on its own, but after "So..." it
# usually sums up what the participant said ("So it might be less of a big deal than it feels").
IT_GENERIC = re.compile(
    r"\bit (?:can|may|might|often|usually|tends? to|helps?|is known|means|works?)\b", re.ASCII
)
# Facts about the world rather than about the participant: guidelines, named things, kinds and
# versions, options listed one by one, generic claims ("Nicotine can...", "Most cravings pass..."),
# and amounts with units. Used before a leading "So" is taken as the sign of a reflection.
STRONG_INFO = _any(
    r"(?<!sets )(?<!set )(?<!setting )(?<!hits )(?<!hit )(?<!past )(?<!over )(?<!push )"
    r"\bthe (?:usual |general |current |official )?(?:guidelines?|recommendations?|rule of thumb|"
    r"target|limit|recommended \w+)\b",
    r"\b(?:is|are|it's|they're) (?:usually |generally |often )?"
    r"(?:recommended|advised|prescribed)\b",
    r"\bthey call (?:it|that|this|them)\b|\b(?:is|it's|are|they're) called\b",
    r"\bthere(?:'s| is| are|'re) (?:a lot of |lots of |several |many |some |other |different |"
    r"a few |a couple of |two |three |an? )?(?:other |newer |different )?(?:kinds?|types?|"
    r"versions?|medications?|medicines?|meds|treatments?|options?|programs?|apps?|groups?|"
    r"classes|products?|doses?|forms?|ways to)\b",
    r"^(?:one thing|another (?:thing|one|idea|option|way)?|the other (?:thing|option|way)|"
    r"a second (?:thing|option))(?: (?:some |other |a lot of )?(?:people|folks) \w+)? "
    r"(?:is|are|would be|could be|might be|that)\b",
    r"\bone thing (?:some |other |a lot of |many )?(?:people|folks|patients) (?:do|try|find|use)\b",
    r"(?:^|[,;:] (?:and |but |so )?)(?!(?:you|your|you're|i|i'm|we|he|she|they|it|it's|that|"
    r"that's|this|there|what|so|if|and|but|not|no|people|folks|someone|everyone|everybody|others|"
    r"which|who|when|because)\b)"
    r"(?:(?!(?:you|your|you're|i|i'm|we)\b)[a-z'-]+,? ){1,12}(?:can|may|might|tends? to|usually|"
    r"often|generally|typically) (?:actually |really |also |even )?(?!you\b|feel\b|seem\b|be\b)"
    r"[a-z]+",
    r"\b(?:most|many|some|a lot of) (?:people|folks|patients|smokers|drinkers|cravings|"
    r"side effects)\b",
    r"\b(?:studies|research|the evidence|the data|trials) (?:show|shows|found|finds|suggest|"
    r"suggests|say)\b",
    r"\b(?:lowers?|raises?|reduces?|increases?|doubles?|triples?|halves|cuts?) (?:your |the )?"
    r"(?:risk|chances?|odds)\b",
)
# An amount with a unit ("about five to ten minutes", "fourteen drinks a week"); information when
# the participant did not just say it.
AMOUNT = re.compile(
    r"\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fourteen|fifteen|"
    r"twenty|thirty|forty|fifty|sixty|hundred|a hundred|a couple of|a few)(?:[- ]\w+)?"
    r"(?: to (?:\d+|[a-z]+))? (?:minutes?|hours?|days?|weeks?|months?|years?|percent|drinks?|"
    r"units?|ounces?|pounds?|milligrams?|mg|calories|grams?|servings?|cigarettes?|times a)\b",
    re.ASCII,
)
# "I wonder if it's also a way to unwind": a tentative guess, which is a complex reflection.
# "I wonder if you could tell me..." or "I wonder if you've tried..." are questions instead.
# A hedge before it ("I guess I'm wondering if...") changes neither.
_WONDERING = r"^(?:i guess |i think )?i(?:'m| am| was)? (?:just )?(?:kind of )?wonder(?:ing)?,? "
WONDER = re.compile(_WONDERING + r"(?:if|whether)\b", re.ASCII)
WONDER_ASKS = re.compile(
    _WONDERING + r"(?:if|whether) (?:you|we)(?:'d| would| could|"
    r" can| might| will)? (?:ever |be )?(?:willing|open|interested|able|like|want|mind|tell|say|"
    r"share|talk|describe|walk|explain|help|think about|consider|try|have (?:ever )?(?:thought|"
    r"tried|considered|heard|talked|given)|ever|could)\b|"
    + _WONDERING
    + r"(?:if|whether) (?:you|we)'ve (?:ever )?(?:thought|tried|considered|heard|talked|given)\b",
    re.ASCII,
)
# "I'm wondering how important it would be for you...", "I wonder what it'd be like...": the
# coach wonders aloud about something only they can answer, which asks as a question does and
# leaves the answer open.
WONDER_WH = re.compile(_WONDERING + r"(?:how|what|where|who|when|why|which)\b", re.ASCII)
# A yes/no start that turns into a wh- question ("Have you had interests outside, like, what do
# you do when you're not with them?"): the wh- question is what they are left to answer, so it
# decides open or closed.
ASKING_INSIDE = re.compile(
    r"\b(?:what|how)\b(?: [a-z']+){0,2}? (?:do|does|did|would|will|can|could) you\b", re.ASCII
)
# An asking clause after a lead-in, said without a question mark ("And so in terms of
# readiness, where do you think you fall on the scale..."): the clause asks them something.
ASKING_CLAUSE = re.compile(
    r"^(?:how|what|where|when|why|who|which)\b(?: [a-z']+){0,3}? "
    r"(?:do|does|did|would|will|can|could) you\b",
    re.ASCII,
)
WONDER_OPEN = re.compile(
    r"\b(?:tell|say|share|talk|describe|walk|explain|help me understand)\b", re.ASCII
)
# A statement said with a rising tone: subject first, then its verb ("Quitting altogether is off
# the table?", "That's the Tuesday class?"). The rising tone asks them to confirm it: a closed
# question (see classifier._code_question).
DECLARATIVE = re.compile(
    r"^(?:it's|that's|there's|he's|she's|they're|it|that|he|she|they|things|everything|nothing|"
    r"(?:the|this|these|those|his|her|their|my) [a-z'-]+|[a-z]+ing)\b(?: [a-z',-]+){0,6}? "
    r"(?:is|are|was|were|'s|'re|has|have|had|does|doesn't|did|didn't|can|can't|will|won't|"
    r"would|feels?|seems?|got|gets|went|goes|comes|came|made|makes|keeps|kept|helps|helped|"
    r"isn't|aren't|wasn't|hasn't|haven't)\b|"
    r"^(?:it's|that's|there's|it is|that is|this is|there is) (?:not |just |still |really )?"
    r"(?:something|someone|somewhere|a|an|the|some|more|less|what|how|where|when|why)\b",
    re.ASCII,
)
# Saying what they want, hope or need when they did not say so themselves infers meaning.
DESIRE = re.compile(
    r"\byou(?:'d| would)? (?:really |just |still )?(?:want|wanna|like|love|wish|hope|need|miss)\b|"
    r"\byou(?:'re| are) (?:really |still )?(?:hoping|wanting|looking for|longing|missing)\b",
    re.ASCII,
)
DESIRE_SAID = re.compile(
    r"\b(?:want|wanna|like to|'d like|would like|love to|hope|wish|need|gotta|have to|miss)\b",
    re.ASCII,
)
# A brief empathic statement that infers a state: "That sounds frightening", "That must be hard".
EMPATHIC = re.compile(
    r"^(?:it |that |this )?(?:sounds|must be|must have been|must feel|seems|can be) (?:like )?"
    r"(?:it was |it's been )?(?:really |so |pretty |very |quite |a bit |kind of |a little |"
    r"such )?(?:a |an )?([a-z-]+)",
    re.ASCII,
)

# Asking what they already know or make of something: the first "elicit" of
# elicit-provide-elicit, which opens the way for information or an idea.
ELICIT = re.compile(
    r"\b(?:what|how much) (?:do|did) you (?:already |now )?(?:know|remember|understand)\b|"
    r"\bwhat have you (?:already )?(?:heard|read|been told|learned|tried)\b|\bwhat's your "
    r"(?:sense|understanding) of\b",
    re.ASCII,
)
