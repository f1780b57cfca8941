package node

import (
	"context"

	"github.com/cbss-egcc/childcentre/internal/followup"
	"github.com/cbss-egcc/childcentre/internal/store"
)

// openFollowUp wires follow-up requests (issue 11) into a node connected
// to a hub: the service, its sealed messages from the puller, and the
// node's gauge of overdue requests.
func (n *Node) openFollowUp(x *Exchange) {
	f := &followup.Service{Store: store.NewFollowUpStore(n.DB), Peers: x.Secrets.Peers.(*pkiPeers),
		AtRest: n.LiveKeys.Sealer(followup.AtRestPurpose), Records: n.Cases, Country: n.Config.Country,
		Now: n.Now, Logger: n.Logger, Wake: x.Sender.Wake, MaxAttachment: n.Config.AttachmentMax}
	x.FollowUp = f
	x.Puller.Other = f.Receive
	x.Puller.OtherNotice = f.ReceiveNotice
	if n.Metrics != nil {
		n.Metrics.NewGaugeFunc("childcentre_followup_overdue", "Follow-up requests sent or received and not decided past their deadline.",
			func() float64 {
				k, err := f.Overdue(context.Background())
				if err != nil {
					return 0
				}
				return float64(k)
			})
	}
}

// followUps is the web's follow-up service: nil (not a nil pointer in an
// interface) on a node without a hub.
func (n *Node) followUps() *followup.Service {
	if n.Exchange == nil {
		return nil
	}
	return n.Exchange.FollowUp
}
