"""What the doors share beyond answering: feedback that moves the ranking a little (`ranking`),
recording a vote (`votes`), the new lessons a subscription should hear of after a reload (`matching`;
`bot.slack.alerts` posts them), and small shared facts (`access`). All of it runs over the state
store (`bot.state`) and degrades to a polite message when the store cannot be used; searching never
does. Votes are kept under the question as the search understood it (`Answer.understood`, the form
the question log uses too), so close wordings share them.
"""
